import type { DecisionCell, DecisionTable, DecisionTableRow } from '../compute-decision-table.js';

/**
 * The three renderings of a decision table.
 *
 * @example
 * ```ts
 * decisionTable(policy, { format: 'text' satisfies DecisionTableFormat });
 * ```
 */
export type DecisionTableFormat = 'markdown' | 'text' | 'json';

const CELLS: readonly DecisionCell[] = ['+', 'self', '-', 'other'];
const WHOLE = '*';
const LEGEND = "`+` every record · `self` only the principal's own record · `-` denied · `other` only records that are not its own (suspicious)";

/** Renders a table; the output ends with a newline and depends only on the table (internal). */
export function renderTable(table: DecisionTable, format: DecisionTableFormat): string {
  if (format === 'json') return renderJson(table);
  const header = ['resource', 'action', ...(table.fields ? ['field'] : []), ...table.scopes];
  const body = table.rows.map((row) => [
    row.resource,
    row.action,
    ...(table.fields ? [row.field ?? WHOLE] : []),
    ...table.scopes.map((scope) => row.cells[scope] ?? '-'),
  ]);
  if (format === 'markdown') {
    const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
    return [
      line(header),
      `|${header.map(() => '---').join('|')}|`,
      ...body.map(line),
      '',
      `${LEGEND}${table.fields ? ' · field `*` the whole record' : ''}`,
      '',
    ].join('\n');
  }
  for (const cell of [...header, ...body.flat()]) {
    if (cell.length === 0 || /\s/.test(cell)) {
      throw new TypeError(`decisionTable: ${JSON.stringify(cell)} is empty or contains whitespace; use format "markdown" or "json"`);
    }
  }
  const widths = header.map((_, column) => Math.max(...[header, ...body].map((cells) => (cells[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

function renderJson(table: DecisionTable): string {
  const rows = table.rows.map((row) =>
    JSON.stringify({
      resource: row.resource,
      action: row.action,
      ...(row.field === undefined ? {} : { field: row.field }),
      cells: Object.fromEntries(table.scopes.map((scope) => [scope, row.cells[scope] ?? '-'])),
    }),
  );
  return `{\n  "scopes": ${JSON.stringify(table.scopes)},\n  "fields": ${String(table.fields)},\n  "rows": [\n${rows.map((row) => `    ${row}`).join(',\n')}\n  ]\n}\n`;
}

/** Guesses the format of a rendered table (internal). */
export function detectFormat(text: string): DecisionTableFormat {
  const start = text.trimStart();
  if (start.startsWith('{')) return 'json';
  if (start.startsWith('|')) return 'markdown';
  return 'text';
}

/**
 * Reads a rendered table back; throws an `Error` saying which line is wrong. In text and
 * markdown, a third header cell `field` means a field column unless `fields` says otherwise
 * (a ladder whose lowest scope is named "field" is then read correctly) (internal).
 */
export function parseTable(text: string, format: DecisionTableFormat, fields?: boolean): DecisionTable {
  if (format === 'json') return parseJson(text);
  const lines = text.split(/\r?\n/);
  const tableLines =
    format === 'markdown'
      ? lines.map((line, index) => ({ line: line.trim(), number: index + 1 })).filter(({ line }) => line.startsWith('|'))
      : lines.map((line, index) => ({ line: line.trim(), number: index + 1 })).filter(({ line }) => line.length > 0);
  const split = (line: string): string[] =>
    format === 'markdown'
      ? line
          .replace(/^\|/, '')
          .replace(/\|$/, '')
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim().replace(/\\\|/g, '|'))
      : line.split(/\s+/);
  const [head, ...rest] = tableLines;
  if (head === undefined) throw new Error('the table is empty');
  const header = split(head.line);
  if (header[0] !== 'resource' || header[1] !== 'action') throw new Error(`line ${head.number}: the header must start with "resource" and "action"`);
  const body = format === 'markdown' ? rest.filter(({ line }) => !/^\|(\s*:?-{3,}:?\s*\|)+$/.test(line)) : rest;
  // A third column named "field" holding something other than cells is a field column, whatever the hint.
  const thirdHoldsFields = body.some(({ line }) => !(CELLS as readonly string[]).includes(split(line)[2] ?? '-'));
  const hasFields = header[2] === 'field' && (fields !== false || thirdHoldsFields);
  const scopes = header.slice(hasFields ? 3 : 2);
  if (scopes.length === 0) throw new Error(`line ${head.number}: the header names no scope`);
  const rows = body.map(({ line, number }): DecisionTableRow => {
    const cells = split(line);
    if (cells.length !== header.length) throw new Error(`line ${number}: expected ${header.length} columns, found ${cells.length}`);
    const [resource = '', action = '', ...others] = cells;
    const field = hasFields ? others.shift() : undefined;
    return {
      resource,
      action,
      ...(field === undefined || field === WHOLE ? {} : { field }),
      cells: Object.fromEntries(scopes.map((scope, index) => [scope, readCell(others[index], number)])),
    };
  });
  return { scopes, fields: hasFields, rows };
}

function parseJson(text: string): DecisionTable {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const table = data as { scopes?: unknown; fields?: unknown; rows?: unknown };
  if (typeof table !== 'object' || table === null || !Array.isArray(table.scopes) || !Array.isArray(table.rows)) {
    throw new Error('expected an object with "scopes" and "rows" arrays');
  }
  const scopes = table.scopes.map(String);
  const rows = table.rows.map((raw: unknown, index): DecisionTableRow => {
    const row = raw as { resource?: unknown; action?: unknown; field?: unknown; cells?: unknown };
    if (typeof row !== 'object' || row === null || typeof row.resource !== 'string' || typeof row.action !== 'string') {
      throw new Error(`rows[${index}] needs a "resource" and an "action"`);
    }
    if (row.field !== undefined && typeof row.field !== 'string') throw new Error(`rows[${index}].field must be a string`);
    const cells = (typeof row.cells === 'object' && row.cells !== null ? row.cells : {}) as Record<string, unknown>;
    return {
      resource: row.resource,
      action: row.action,
      ...(row.field === undefined ? {} : { field: row.field }),
      cells: Object.fromEntries(scopes.map((scope) => [scope, readCell(Object.hasOwn(cells, scope) ? cells[scope] : undefined, `rows[${index}]`)])),
    };
  });
  return { scopes, fields: table.fields === true, rows };
}

function readCell(value: unknown, where: number | string): DecisionCell {
  if (typeof value === 'string' && (CELLS as readonly string[]).includes(value)) return value as DecisionCell;
  throw new Error(
    `${typeof where === 'number' ? `line ${where}` : where}: ${JSON.stringify(value) ?? 'a missing cell'} is not one of + self - other`,
  );
}

function escapeMarkdown(cell: string): string {
  return cell.replace(/\|/g, '\\|');
}
