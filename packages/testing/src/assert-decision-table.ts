import { computeDecisionTable, type DecisionTableOptions } from './compute-decision-table.js';
import { PolicyAssertionError } from './errors.js';
import { diffTables } from './lib/table-diff.js';
import { detectFormat, parseTable, type DecisionTableFormat } from './lib/table-format.js';
import type { PolicyUnderTest } from './policy-under-test.js';

/** Options of {@link assertDecisionTable}. */
export interface AssertDecisionTableOptions extends DecisionTableOptions {
  /** The format of the expected table. Default: detected (`{` → json, `|` → markdown, else text). */
  readonly format?: DecisionTableFormat | undefined;
}

const MAX_LISTED = 60;

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

/** Parses `expected` and diffs it with what `policy` decides (internal to the package). */
export function compareWithTable(
  assertion: string,
  policy: PolicyUnderTest,
  expected: string,
  options: AssertDecisionTableOptions,
): string[] {
  const format = options.format ?? detectFormat(expected);
  if (format !== 'markdown' && format !== 'text' && format !== 'json') {
    throw new TypeError(`${assertion}: options.format must be "markdown", "text" or "json", got ${String(format)}`);
  }
  const actual = computeDecisionTable(policy, options);
  let table;
  try {
    table = parseTable(expected, format, actual.fields);
  } catch (error) {
    throw new TypeError(`${assertion}: cannot read the expected ${format} decision table: ${error instanceof Error ? error.message : String(error)}`);
  }
  const changes = diffTables(table, actual);
  if (table.fields !== actual.fields) {
    changes.push(
      table.fields
        ? 'the expected table has field rows, but no options.fields were given'
        : 'options.fields were given, but the expected table has no field column',
    );
  }
  return changes;
}

/** Builds the error for a table mismatch (internal to the package). */
export function mismatch(assertion: string, headline: string, changes: readonly string[], hint: string): PolicyAssertionError {
  const listed = changes.slice(0, MAX_LISTED).map((change) => `  ${change}`);
  if (changes.length > MAX_LISTED) listed.push(`  … and ${changes.length - MAX_LISTED} more`);
  const violation = `${changes.length} difference${changes.length === 1 ? '' : 's'}:\n${listed.join('\n')}`;
  return new PolicyAssertionError(`${assertion} failed: ${headline}.\n${violation}${hint === '' ? '' : `\n${hint}`}`, {
    assertion,
    violation,
  });
}
