// Plain @casl/ability on exactly the rules scopeladder compiles (`policy.rulesFor(principal)`):
// what an application gets by building its own CASL ability per request.
import { createMongoAbility, subject, type ForcedSubject, type MongoAbility } from '@casl/ability';
import type { Action, BenchPrincipal, DecisionImplementation, DecisionLoops, QuerySet, Resource } from '../model.js';
import { chatshipperMatrixPolicy } from '../../lib/matrix-policy.js';

type Target = Resource | (ForcedSubject<Resource> & { id: string });
type Ability = MongoAbility<[Action, Target]>;

interface TypeInput {
  readonly ability: Ability;
  readonly action: Action;
  readonly resource: Resource;
}
interface InstanceInput {
  readonly ability: Ability;
  readonly action: Action;
  readonly target: Target;
}
interface FreshInput {
  readonly principal: BenchPrincipal;
  readonly action: Action;
  readonly target: Target;
}

/** A new ability from the principal's rules: the per-request cost of plain CASL. */
function buildAbility(principal: BenchPrincipal): Ability {
  return createMongoAbility<[Action, Target]>(chatshipperMatrixPolicy.rulesFor(principal) as never);
}

function loops(queries: QuerySet, batch: number): DecisionLoops {
  // Known principals get one ability each, built once (as a per-user cache would).
  const abilities = new Map<BenchPrincipal, Ability>();
  const abilityOf = (p: BenchPrincipal) => abilities.get(p) ?? abilities.set(p, buildAbility(p)).get(p)!;
  const types: TypeInput[] = queries.type.map((q) => ({ ability: abilityOf(q.principal), action: q.action, resource: q.resource }));
  const instances: InstanceInput[] = queries.instance.map((q) => ({
    ability: abilityOf(q.principal),
    action: q.action,
    target: subject(q.resource, { id: q.recordId }),
  }));
  const fresh: FreshInput[] = queries.fresh.map((q) => ({
    principal: q.principal,
    action: q.action,
    target: subject(q.resource, { id: q.recordId }),
  }));
  let t = 0;
  let i = 0;
  let f = 0;
  return {
    type() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = types[t] as TypeInput;
        if (++t === types.length) t = 0;
        if (q.ability.can(q.action, q.resource)) allowed++;
      }
      return allowed;
    },
    instance() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = instances[i] as InstanceInput;
        if (++i === instances.length) i = 0;
        if (q.ability.can(q.action, q.target)) allowed++;
      }
      return allowed;
    },
    fresh() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = fresh[f] as FreshInput;
        if (++f === fresh.length) f = 0;
        if (buildAbility(q.principal).can(q.action, q.target)) allowed++;
      }
      return allowed;
    },
  };
}

/** Plain `@casl/ability` (`createMongoAbility(policy.rulesFor(principal))`). */
export function createCasl(): DecisionImplementation {
  return {
    name: '@casl/ability',
    typeSemantics: 'some',
    calls: {
      type: 'ability.can(action, type)',
      instance: 'ability.can(action, subject(type, record))',
      fresh: 'createMongoAbility(policy.rulesFor(principal)).can(action, subject(type, record))',
    },
    loops,
  };
}
