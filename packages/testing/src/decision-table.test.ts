import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatshipperFields, chatshipperMatrix, chatshipperPolicy, chatshipperScopes, definePolicy } from '@scopeladder/core';
import { policyDefinition } from './arbitraries/policies.js';
import { assertDecisionTableFile, UPDATE_ENV } from './assert-decision-table-file.js';
import { assertDecisionTable } from './assert-decision-table.js';
import { computeDecisionTable } from './compute-decision-table.js';
import { decisionTable } from './decision-table.js';
import { parseTable, type DecisionTableFormat } from './lib/table-format.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';
import { wrapPolicy } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';

// The permission matrix of SEED.md, transcribed by hand ("self": the "(self)" rows).
const SEED_TABLE = `
resource           action  guest  agent  bot   admin
Organization       list    -      -      +     +
Organization       fetch   -      -      +     +
Organization       create  -      -      -     +
Organization       update  -      -      -     +
Organization       delete  -      -      -     +
OrganizationGroup  list    -      -      +     +
OrganizationGroup  fetch   -      -      +     +
OrganizationGroup  create  -      -      -     +
OrganizationGroup  update  -      -      -     +
OrganizationGroup  delete  -      -      -     +
User               list    -      -      +     +
User               fetch   self   self   +     +
User               create  -      -      -     +
User               update  self   self   self  +
User               delete  -      -      -     +
Conversation       list    -      +      +     +
Conversation       fetch   +      +      +     +
Conversation       create  -      +      +     +
Conversation       update  -      -      -     +
Conversation       delete  -      -      -     +
Message            list    -      -      +     +
Message            fetch   -      -      +     +
Message            create  +      +      +     +
Message            update  -      -      +     +
Message            delete  -      -      -     +
Contact            list    -      +      +     +
Contact            fetch   -      -      +     +
Contact            create  -      -      +     +
Contact            update  -      -      +     +
Contact            delete  -      -      -     +
KnowledgeItem      list    -      +      +     +
KnowledgeItem      fetch   -      +      +     +
KnowledgeItem      create  -      +      +     +
KnowledgeItem      update  -      +      +     +
KnowledgeItem      delete  -      -      +     +
Form               list    -      -      +     +
Form               fetch   -      -      -     +
Form               create  -      -      +     +
Form               update  -      -      +     +
Form               delete  -      -      -     +
Service            list    -      -      -     +
Service            fetch   -      -      -     +
Service            create  -      -      -     +
Service            update  -      -      -     +
Service            delete  -      -      -     +
`;

/** ChatShipper with one cell changed. */
function withCell(resource: keyof typeof chatshipperMatrix, action: string, cell: unknown) {
  return definePolicy({
    scopes: chatshipperScopes,
    matrix: { ...chatshipperMatrix, [resource]: { ...chatshipperMatrix[resource], [action]: cell } } as never,
    fields: chatshipperFields as never,
  });
}

describe('decisionTable', () => {
  it('renders the ChatShipper policy exactly as SEED.md documents it', () => {
    expect(decisionTable(chatshipperPolicy, { format: 'text' })).toBe(SEED_TABLE.trimStart());
    expect(() => assertDecisionTable(chatshipperPolicy, SEED_TABLE)).not.toThrow();
  });

  it('renders markdown by default, with a legend, and stable bytes', () => {
    const markdown = decisionTable(chatshipperPolicy);
    expect(markdown.split('\n').slice(0, 3)).toEqual([
      '| resource | action | guest | agent | bot | admin |',
      '|---|---|---|---|---|---|',
      '| Organization | list | - | - | + | + |',
    ]);
    expect(markdown).toContain("`self` only the principal's own record");
    expect(decisionTable(chatshipperPolicy)).toBe(markdown);
  });

  it('renders JSON with one row per line', () => {
    const json = decisionTable(chatshipperPolicy, { format: 'json' });
    const data = JSON.parse(json) as { scopes: string[]; rows: { resource: string; action: string; cells: Record<string, string> }[] };
    expect(data.scopes).toEqual(['guest', 'agent', 'bot', 'admin']);
    expect(data.rows).toHaveLength(45);
    expect(json).toContain('    {"resource":"User","action":"fetch","cells":{"guest":"self","agent":"self","bot":"+","admin":"+"}},\n');
  });

  it('adds a field row only where a field is decided differently from its record', () => {
    const text = decisionTable(chatshipperPolicy, { format: 'text', fields: ['role', 'email'] });
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^resource +action +field +guest/);
    expect(lines.filter((line) => line.startsWith('User '))).toEqual([
      'User               list    *      -      -      +     +',
      'User               fetch   *      self   self   +     +',
      'User               create  *      -      -      -     +',
      'User               update  *      self   self   self  +',
      'User               update  role   -      -      -     +',
      'User               delete  *      -      -      -     +',
    ]);
    expect(text).not.toContain('email');
  });

  it('marks a policy that reaches other records but not its own as "other"', () => {
    const odd = wrapPolicy({
      can: (principal, action, target, field) =>
        typeof target === 'object' && action === 'delete' && (target as { id?: string }).id !== principal.id
          ? true
          : chatshipperMatrixPolicy.can(principal, action as never, target as never, field),
    });
    expect(computeDecisionTable(odd).rows.find((row) => row.resource === 'Form' && row.action === 'delete')?.cells).toEqual({
      guest: 'other',
      agent: 'other',
      bot: 'other',
      admin: '+',
    });
  });

  it('reads back what it renders, in every format, for any policy', () => {
    fc.assert(
      fc.property(
        policyDefinition(),
        fc.constantFrom<DecisionTableFormat>('markdown', 'text', 'json'),
        fc.boolean(),
        (definition, format, withFields) => {
          const policy = definePolicy(definition as never);
          const fields = withFields
            ? Object.values(definition.fields ?? {}).flatMap((row) => Object.values(row).flatMap((rule) => rule.protected))
            : [];
          const table = computeDecisionTable(policy, { fields });
          if (format === 'text' && table.scopes.some((scope) => /\s/.test(scope))) return;
          expect(parseTable(decisionTable(policy, { format, fields }), format, table.fields)).toEqual(table);
          expect(() => assertDecisionTable(policy, decisionTable(policy, { format, fields }), { fields })).not.toThrow();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses names the text format cannot hold, and unknown formats', () => {
    const spaced = wrapPolicy({ resources: ['Bad Name'] });
    expect(() => decisionTable(spaced, { format: 'text' })).toThrow(/use format "markdown" or "json"/);
    expect(decisionTable(spaced)).toContain('| Bad Name |');
    expect(() => decisionTable(chatshipperPolicy, { format: 'csv' as never })).toThrow(TypeError);
    expect(() => computeDecisionTable(chatshipperPolicy, { fields: [''] })).toThrow(TypeError);
  });
});

describe('assertDecisionTable', () => {
  const expected = decisionTable(chatshipperPolicy);

  it('passes on an equal table whatever the alignment', () => {
    expect(() => assertDecisionTable(chatshipperPolicy, SEED_TABLE.replace(/ +/g, '   '))).not.toThrow();
    expect(() => assertDecisionTable(chatshipperPolicy, expected)).not.toThrow();
    expect(() => assertDecisionTable(chatshipperPolicy, decisionTable(chatshipperPolicy, { format: 'json' }))).not.toThrow();
  });

  it('fails on a widened cell, saying it grants more', () => {
    const error = expectViolation('assertDecisionTable', () => assertDecisionTable(withCell('Form', 'fetch', 'bot'), expected));
    expect(error.message).toContain('~ Form.fetch bot: - → + (grants MORE)');
    expect(error.message).toContain('1 difference:');
  });

  it('fails on a narrowed cell and on a lost self row', () => {
    const error = expectViolation('assertDecisionTable', () => assertDecisionTable(withCell('User', 'fetch', 'bot'), SEED_TABLE));
    expect(error.violation).toContain('~ User.fetch guest: self → - (grants less)');
    expect(error.violation).toContain('~ User.fetch agent: self → - (grants less)');
  });

  it('fails on new and vanished rows and on different scopes', () => {
    const row = { list: 'guest', fetch: 'guest', create: 'root', update: 'root', delete: 'root' } as const;
    const other = definePolicy({ scopes: ['guest', 'agent', 'bot', 'root'], matrix: { Widget: row, Gadget: row, Gizmo: row, Doohickey: row } });
    const error = expectViolation('assertDecisionTable', () => assertDecisionTable(other, expected));
    expect(error.violation).toContain('scopes: expected ["guest","agent","bot","admin"], the policy has ["guest","agent","bot","root"]');
    expect(error.violation).toContain('+ new row Widget.list: guest +, agent +, bot +, root +');
    expect(error.violation).toContain('- row Organization.list is gone');
    expect(error.violation).toContain('66 differences:');
    expect(error.violation).toContain('… and 6 more');
  });

  it('fails when field rows are expected but not asked for, or the other way round', () => {
    const withFields = decisionTable(chatshipperPolicy, { fields: ['role'] });
    expect(expectViolation('assertDecisionTable', () => assertDecisionTable(chatshipperPolicy, withFields)).violation).toContain(
      'no options.fields were given',
    );
    expect(expectViolation('assertDecisionTable', () => assertDecisionTable(chatshipperPolicy, expected, { fields: ['role'] })).violation).toContain(
      'has no field column',
    );
    expect(() => assertDecisionTable(chatshipperPolicy, withFields, { fields: ['role'] })).not.toThrow();
  });

  it('reports an unreadable expected table as a TypeError naming the line', () => {
    expect(() => assertDecisionTable(chatshipperPolicy, 'resource action guest\nUser list maybe')).toThrow(/line 2: "maybe" is not one of/);
    expect(() => assertDecisionTable(chatshipperPolicy, '{ "scopes": 1 }')).toThrow(TypeError);
    expect(() => assertDecisionTable(chatshipperPolicy, '')).toThrow(/the table is empty/);
    expect(() => assertDecisionTable(chatshipperPolicy, 42 as never)).toThrow(TypeError);
  });
});

describe('assertDecisionTableFile', () => {
  let dir: string;
  let savedEnv: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scopeladder-testing-'));
    savedEnv = process.env[UPDATE_ENV];
    delete process.env[UPDATE_ENV];
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (savedEnv === undefined) delete process.env[UPDATE_ENV];
    else process.env[UPDATE_ENV] = savedEnv;
  });

  it('fails on a missing file outside update mode, saying how to create it', () => {
    const error = expectViolation('assertDecisionTableFile', () => assertDecisionTableFile(chatshipperPolicy, join(dir, 'policy.md')));
    expect(error.message).toContain(`${UPDATE_ENV}=1`);
  });

  it('creates, matches, then reports and updates a change', () => {
    const file = join(dir, 'nested', 'policy.md');
    expect(assertDecisionTableFile(chatshipperPolicy, file, { update: true }).status).toBe('created');
    expect(readFileSync(file, 'utf8')).toBe(decisionTable(chatshipperPolicy));
    expect(assertDecisionTableFile(chatshipperPolicy, file).status).toBe('matched');

    const changed = withCell('Service', 'list', 'bot');
    const error = expectViolation('assertDecisionTableFile', () => assertDecisionTableFile(changed, file));
    expect(error.message).toContain('~ Service.list bot: - → + (grants MORE)');
    expect(error.message).toContain(`re-run with ${UPDATE_ENV}=1`);

    process.env[UPDATE_ENV] = '1';
    expect(assertDecisionTableFile(changed, file).status).toBe('updated');
    expect(assertDecisionTableFile(changed, file).status).toBe('unchanged');
    delete process.env[UPDATE_ENV];
    expect(assertDecisionTableFile(changed, file).status).toBe('matched');
  });

  it('takes the format from the extension, and file URLs', () => {
    const json = join(dir, 'policy.json');
    const text = join(dir, 'policy.txt');
    assertDecisionTableFile(chatshipperPolicy, json, { update: true });
    assertDecisionTableFile(chatshipperPolicy, pathToFileURL(text), { update: true });
    expect(JSON.parse(readFileSync(json, 'utf8'))).toHaveProperty('rows');
    expect(readFileSync(text, 'utf8')).toBe(SEED_TABLE.trimStart());
    expect(assertDecisionTableFile(chatshipperPolicy, pathToFileURL(json)).status).toBe('matched');
  });

  it('compares meaning, not bytes', () => {
    const file = join(dir, 'policy.txt');
    writeFileSync(file, SEED_TABLE.replace(/ +/g, ' '));
    expect(assertDecisionTableFile(chatshipperPolicy, file).status).toBe('matched');
  });

  it('rejects misuse with a TypeError', () => {
    expect(() => assertDecisionTableFile(chatshipperPolicy, 42 as never)).toThrow(TypeError);
    expect(() => assertDecisionTableFile(chatshipperPolicy, join(dir, 'x.md'), { update: 'yes' as never })).toThrow(TypeError);
  });
});
