import type { Principal } from '@scopeladder/core';
import { PROBE_ID, PROBE_OTHER_ID } from './lib/defaults.js';
import { checkPolicy } from './lib/check-policy.js';
import { inOrganization, targetOf } from './lib/probe.js';
import type { PolicyUnderTest } from './policy-under-test.js';

/**
 * One cell of a decision table: what a principal holding one scope may do.
 *
 * | value | meaning |
 * |---|---|
 * | `+` | allowed on every record |
 * | `self` | allowed on the principal's own record only |
 * | `-` | denied |
 * | `other` | allowed on other records but not on its own (almost always a bug) |
 *
 * @example
 * ```ts
 * computeDecisionTable(chatshipperPolicy).rows[0]?.cells.bot; // '+'
 * ```
 */
export type DecisionCell = '+' | 'self' | '-' | 'other';

/**
 * One row of a {@link DecisionTable}: a resource × action (× field), and a cell per scope.
 *
 * @example
 * ```ts
 * const row: DecisionTableRow = { resource: 'User', action: 'update', field: 'role', cells: { guest: '-', admin: '+' } };
 * ```
 */
export interface DecisionTableRow {
  readonly resource: string;
  readonly action: string;
  /** Set on field rows: the answer for writing this one field, when it differs from the whole record's. */
  readonly field?: string | undefined;
  /** One cell per scope of the ladder. */
  readonly cells: Readonly<Record<string, DecisionCell>>;
}

/**
 * What a policy decides, per scope, for every resource × action: the data behind `decisionTable()`.
 *
 * @example
 * ```ts
 * const { scopes, rows } = computeDecisionTable(chatshipperPolicy);
 * rows.filter((row) => row.cells[scopes[0] ?? ''] !== '-'); // what the lowest scope may do
 * ```
 */
export interface DecisionTable {
  /** The ladder's scopes, lowest first: the columns. */
  readonly scopes: readonly string[];
  /** Whether field rows were asked for (the table then has a field column). */
  readonly fields: boolean;
  /** Every resource × action, in the policy's order, each followed by its field rows. */
  readonly rows: readonly DecisionTableRow[];
}

/**
 * Options of {@link computeDecisionTable} (and of `decisionTable`, `assertDecisionTable*`).
 *
 * @example
 * ```ts
 * computeDecisionTable(chatshipperPolicy, { fields: ['role', 'organization'] });
 * ```
 */
export interface DecisionTableOptions {
  /**
   * Fields to probe, e.g. `['role', 'scopes']`. A field row is added under a resource × action
   * wherever writing that field is decided differently from the whole record. Default: none.
   */
  readonly fields?: readonly string[] | undefined;
}

/**
 * Computes a policy's decision table by asking it: for each scope of the ladder, a principal
 * holding only that scope is checked on its own record and on someone else's, for every
 * resource × action (and field, when asked for). The table reflects what the policy does, not
 * what its matrix says, so a bug between the two shows.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { computeDecisionTable } from '@scopeladder/testing';
 *
 * const table = computeDecisionTable(chatshipperPolicy);
 * table.rows.find((row) => row.resource === 'User' && row.action === 'fetch')?.cells;
 * // { guest: 'self', agent: 'self', bot: '+', admin: '+' }
 * ```
 */
export function computeDecisionTable(policy: PolicyUnderTest, options: DecisionTableOptions = {}): DecisionTable {
  checkPolicy('computeDecisionTable', policy);
  const fields = options.fields ?? [];
  if (!Array.isArray(fields) || !fields.every((field) => typeof field === 'string' && field.length > 0)) {
    throw new TypeError('computeDecisionTable: options.fields must be an array of non-empty field names');
  }
  const scopes = [...policy.ladder.scopes];
  const principals: Principal[] = scopes.map((scope) => inOrganization(policy, { id: PROBE_ID, scopes: [scope] }));
  const cell = (principal: Principal, resource: string, action: string, field: string | undefined): DecisionCell => {
    const ask = (kind: 'own' | 'other'): boolean => {
      const target = targetOf(resource, kind, principal, PROBE_OTHER_ID, policy);
      return (field === undefined ? policy.can(principal, action, target) : policy.can(principal, action, target, field)) === true;
    };
    const own = ask('own');
    const other = ask('other');
    return own ? (other ? '+' : 'self') : other ? 'other' : '-';
  };
  const rows: DecisionTableRow[] = [];
  for (const resource of policy.resources) {
    for (const action of policy.actions) {
      const whole = Object.fromEntries(scopes.map((scope, index) => [scope, cell(principals[index] as Principal, resource, action, undefined)]));
      rows.push({ resource, action, cells: whole });
      for (const field of fields) {
        const perField = Object.fromEntries(scopes.map((scope, index) => [scope, cell(principals[index] as Principal, resource, action, field)]));
        if (scopes.some((scope) => perField[scope] !== whole[scope])) rows.push({ resource, action, field, cells: perField });
      }
    }
  }
  return { scopes, fields: fields.length > 0, rows };
}
