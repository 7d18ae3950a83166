import type { DecisionTableOptions } from './compute-decision-table.js';
import { compareWithTable, mismatch } from './lib/compare-table.js';
import type { DecisionTableFormat } from './lib/table-format.js';
import type { PolicyUnderTest } from './policy-under-test.js';

/**
 * Options of {@link assertDecisionTable}.
 *
 * @example
 * ```ts
 * assertDecisionTable(policy, readFileSync('expected.txt', 'utf8'), { format: 'text', fields: ['role'] });
 * ```
 */
export interface AssertDecisionTableOptions extends DecisionTableOptions {
  /** The format of the expected table. Default: detected (`{` → json, `|` → markdown, else text). */
  readonly format?: DecisionTableFormat | undefined;
}

/**
 * Asserts that a policy decides exactly as an expected decision table says (a string in any
 * format `decisionTable` renders). Compares meaning, not bytes: column alignment and the
 * markdown legend do not matter. On a difference, throws a {@link PolicyAssertionError} listing
 * every changed cell as `User.update agent: self → + (grants MORE)`, new rows and vanished rows.
 *
 * To keep the expected table in a file that is diffed in review, see `assertDecisionTableFile`.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertDecisionTable } from '@scopeladder/testing';
 *
 * assertDecisionTable(chatshipperPolicy, `
 *   resource  action  guest  agent  bot  admin
 *   Service   list    -      -      -    +
 *   …
 * `);
 * ```
 */
export function assertDecisionTable(policy: PolicyUnderTest, expected: string, options: AssertDecisionTableOptions = {}): void {
  if (typeof expected !== 'string') throw new TypeError('assertDecisionTable: expected must be the text of a decision table');
  const changes = compareWithTable('assertDecisionTable', policy, expected, options);
  if (changes.length > 0) throw mismatch('assertDecisionTable', 'the policy does not match the expected decision table', changes, '');
}
