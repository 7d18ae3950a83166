import { computeDecisionTable, type DecisionTableOptions } from './compute-decision-table.js';
import { renderTable, type DecisionTableFormat } from './lib/table-format.js';
import type { PolicyUnderTest } from './policy-under-test.js';

export type { DecisionTableFormat } from './lib/table-format.js';

/**
 * Options of {@link decisionTable}.
 *
 * @example
 * ```ts
 * decisionTable(chatshipperPolicy, { format: 'json', fields: ['role'] });
 * ```
 */
export interface DecisionTableRenderOptions extends DecisionTableOptions {
  /** `markdown` (default; reads well in a pull request), `text` (aligned columns) or `json`. */
  readonly format?: DecisionTableFormat | undefined;
}

/**
 * Renders what a policy decides as a stable table: one row per resource × action (in the
 * policy's order), one column per scope (lowest first), cells `+` (every record), `self` (own
 * record only), `-` (denied) and `other` (not its own record: a bug). The same policy always
 * renders the same bytes, so the table can be committed and diffed in review.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { decisionTable } from '@scopeladder/testing';
 *
 * console.log(decisionTable(chatshipperPolicy, { format: 'text' }));
 * // resource           action  guest  agent  bot   admin
 * // Organization       list    -      -      +     +
 * // …
 * // User               fetch   self   self   +     +
 * ```
 */
export function decisionTable(policy: PolicyUnderTest, options: DecisionTableRenderOptions = {}): string {
  const format = options.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'text' && format !== 'json') {
    throw new TypeError(`decisionTable: options.format must be "markdown", "text" or "json", got ${String(format)}`);
  }
  return renderTable(computeDecisionTable(policy, options), format);
}
