import type { DecisionCell, DecisionTable, DecisionTableRow } from '../compute-decision-table.js';

const RANK: Record<DecisionCell, number> = { '-': 0, self: 1, '+': 2, other: -1 };

/** The differences between an expected and an actual table, one line each; empty when equal (internal). */
export function diffTables(expected: DecisionTable, actual: DecisionTable): string[] {
  const changes: string[] = [];
  if (expected.scopes.join('\u0000') !== actual.scopes.join('\u0000')) {
    changes.push(`scopes: expected ${JSON.stringify(expected.scopes)}, the policy has ${JSON.stringify(actual.scopes)}`);
  }
  const key = (row: DecisionTableRow) => JSON.stringify([row.resource, row.action, row.field ?? null]);
  const expectedRows = new Map(expected.rows.map((row) => [key(row), row]));
  const actualRows = new Map(actual.rows.map((row) => [key(row), row]));
  for (const row of actual.rows) {
    const before = expectedRows.get(key(row));
    if (before === undefined) {
      changes.push(`+ new row ${label(row)}: ${actual.scopes.map((scope) => `${scope} ${row.cells[scope] ?? '?'}`).join(', ')}`);
      continue;
    }
    for (const scope of actual.scopes) {
      if (!expected.scopes.includes(scope)) continue;
      const was = before.cells[scope];
      const now = row.cells[scope];
      if (was === undefined || now === undefined || was === now) continue;
      changes.push(`~ ${label(row)} ${scope}: ${was} → ${now} (${direction(was, now)})`);
    }
  }
  for (const row of expected.rows) {
    if (!actualRows.has(key(row))) changes.push(`- row ${label(row)} is gone`);
  }
  return changes;
}

function label(row: DecisionTableRow): string {
  return `${row.resource}.${row.action}${row.field === undefined ? '' : `[${row.field}]`}`;
}

function direction(was: DecisionCell, now: DecisionCell): string {
  if (was === 'other' || now === 'other') return 'changed';
  return RANK[now] > RANK[was] ? 'grants MORE' : 'grants less';
}
