// Not a contender: the harness alone. The same loop, reading the same kind of inputs and counting,
// with a trivial "check" (a property read and a comparison). Its time is included in every row.
import type { Action, DecisionImplementation, DecisionLoops, QuerySet, Resource } from '../model.js';

interface Input {
  readonly id: string;
  readonly action: Action;
  readonly resource: Resource;
}

function loops(queries: QuerySet, batch: number): DecisionLoops {
  const types: Input[] = queries.type.map((q) => ({ id: q.principal.id, action: q.action, resource: q.resource }));
  const instances: Input[] = queries.instance.map((q) => ({ id: q.recordId, action: q.action, resource: q.resource }));
  const fresh: Input[] = queries.fresh.map((q) => ({ id: q.recordId, action: q.action, resource: q.resource }));
  let t = 0;
  let i = 0;
  let f = 0;
  return {
    type() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = types[t] as Input;
        if (++t === types.length) t = 0;
        if (q.action.length > q.resource.length) allowed++;
      }
      return allowed;
    },
    instance() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = instances[i] as Input;
        if (++i === instances.length) i = 0;
        if (q.action.length > q.resource.length) allowed++;
      }
      return allowed;
    },
    fresh() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = fresh[f] as Input;
        if (++f === fresh.length) f = 0;
        if (q.action.length > q.resource.length) allowed++;
      }
      return allowed;
    },
  };
}

/** The harness's own cost per check (not verified: it answers nothing). */
export function createBaseline(): DecisionImplementation {
  return {
    name: 'harness (empty check)',
    typeSemantics: 'every',
    calls: { type: 'q.action.length > q.resource.length', instance: 'same', fresh: 'same' },
    loops,
  };
}
