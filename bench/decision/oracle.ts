// The oracle: @scopeladder/core's decision table (the same data docs/matrix.md is generated from).
import type { DecisionRow } from '@scopeladder/core';
import { ACTIONS, RESOURCES, SCOPES, type Action, type Resource, type Scope, type TypeSemantics } from './model.js';
import { chatshipperMatrixPolicy } from '../lib/matrix-policy.js';

type Row = DecisionRow<Scope, Resource, Action>;

/** Expected answers for every (scope, action, resource), for type-level and instance checks. */
export interface Oracle {
  /** `every`: the non-self row. `some`: the self row or the non-self row (CASL's type-level answer). */
  type(scope: Scope, action: Action, resource: Resource, semantics: TypeSemantics): boolean;
  /** The self row when the record is the principal's own and the cell has one, else the non-self row. */
  instance(scope: Scope, action: Action, resource: Resource, own: boolean): boolean;
}

/** Builds the oracle, checking first that the decision table covers exactly the vocabulary benchmarked here. */
export function createOracle(): Oracle {
  const rows = chatshipperMatrixPolicy.decisionTable() as readonly Row[];
  const any = new Map<string, Row>();
  const self = new Map<string, Row>();
  for (const row of rows) (row.self ? self : any).set(`${row.action} ${row.resource}`, row);
  const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
  if (!sameSet(chatshipperMatrixPolicy.resources, RESOURCES) || !sameSet(chatshipperMatrixPolicy.actions, ACTIONS)) {
    throw new Error("oracle: the policy's resources/actions differ from the benchmark vocabulary (bench/decision/model.ts)");
  }
  if (!sameSet(chatshipperMatrixPolicy.ladder.scopes, SCOPES)) throw new Error("oracle: the policy's scopes differ from the benchmark's");
  if (any.size !== ACTIONS.length * RESOURCES.length)
    throw new Error(`oracle: expected ${ACTIONS.length * RESOURCES.length} non-self rows, got ${any.size}`);

  const rowOf = (map: Map<string, Row>, action: Action, resource: Resource) => map.get(`${action} ${resource}`);
  return {
    type(scope, action, resource, semantics) {
      const every = (rowOf(any, action, resource) as Row).allowed[scope];
      if (semantics === 'every') return every;
      return every || (rowOf(self, action, resource)?.allowed[scope] ?? false);
    },
    instance(scope, action, resource, own) {
      const row = (own ? rowOf(self, action, resource) : undefined) ?? (rowOf(any, action, resource) as Row);
      return row.allowed[scope];
    },
  };
}
