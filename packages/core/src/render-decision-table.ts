import type { DecisionRow, Policy } from './policy-types.js';

/**
 * Options of {@link renderDecisionTable}.
 *
 * @example
 * ```ts
 * renderDecisionTable(policy, { format: 'text', allowed: 'yes', denied: 'no' });
 * ```
 */
export interface RenderDecisionTableOptions {
  /** `'markdown'` (a GitHub table) or `'text'` (aligned columns for a terminal). Default `'markdown'`. */
  readonly format?: 'markdown' | 'text' | undefined;
  /** The mark of an allowed cell. Default `'+'`. */
  readonly allowed?: string | undefined;
  /** The mark of a denied cell. Default `'-'`. */
  readonly denied?: string | undefined;
}

/**
 * Renders a policy's {@link Policy.decisionTable} as a table: one row per (action, resource) and,
 * where a self grant exists, one more for the principal's own record; one column per scope; and
 * the lowest scope allowed.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy, renderDecisionTable } from '@scopeladder/core';
 *
 * console.log(renderDecisionTable(chatshipperPolicy, { format: 'text' }));
 * // action  resource       record  guest  agent  bot  admin  lowest scope
 * // list    Organization   any     -      -      +    +      bot
 * // …
 * ```
 */
export function renderDecisionTable(policy: Pick<Policy, 'ladder' | 'decisionTable'>, options: RenderDecisionTableOptions = {}): string {
  const format = options.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'text') {
    throw new TypeError('renderDecisionTable: format must be "markdown" or "text"');
  }
  const yes = options.allowed ?? '+';
  const no = options.denied ?? '-';
  const scopes = policy.ladder.scopes;
  const header = ['action', 'resource', 'record', ...scopes, 'lowest scope'];
  const body = policy
    .decisionTable()
    .map((row: DecisionRow) => [
      row.action,
      row.resource,
      row.self ? 'own' : 'any',
      ...scopes.map((scope) => (row.allowed[scope] ? yes : no)),
      row.requiredScope ?? 'none',
    ]);

  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n') + '\n';
  }
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((cells) => (cells[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}
