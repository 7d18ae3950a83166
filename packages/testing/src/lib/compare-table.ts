import { computeDecisionTable, type DecisionTableOptions } from '../compute-decision-table.js';
import { PolicyAssertionError } from '../errors.js';
import type { PolicyUnderTest } from '../policy-under-test.js';
import { diffTables } from './table-diff.js';
import { detectFormat, parseTable, type DecisionTableFormat } from './table-format.js';

const MAX_LISTED = 60;

/** Parses `expected` and diffs it with what `policy` decides (internal). */
export function compareWithTable(
  assertion: string,
  policy: PolicyUnderTest,
  expected: string,
  options: DecisionTableOptions & { readonly format?: DecisionTableFormat | undefined },
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

/** Builds the error for a table mismatch (internal). */
export function mismatch(assertion: string, headline: string, changes: readonly string[], hint: string): PolicyAssertionError {
  const listed = changes.slice(0, MAX_LISTED).map((change) => `  ${change}`);
  if (changes.length > MAX_LISTED) listed.push(`  … and ${changes.length - MAX_LISTED} more`);
  const violation = `${changes.length} difference${changes.length === 1 ? '' : 's'}:\n${listed.join('\n')}`;
  return new PolicyAssertionError(`${assertion} failed: ${headline}.\n${violation}${hint === '' ? '' : `\n${hint}`}`, {
    assertion,
    violation,
  });
}
