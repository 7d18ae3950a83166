// What definePolicy refuses, word for word, what it accepts at the edges of each name pattern,
// and the shape of the rules it compiles: mutation testing (docs/testing.md) found no test pinning
// these down. Each test fails with one surviving mutant of lib/compile-policy.ts applied.
import { createMongoAbility } from '@casl/ability';
import { describe, expect, it } from 'vitest';
import { defineLadder, definePolicy, subject } from './index.js';
import { copyPlain } from './lib/compile-policy.js';

const S = ['low', 'mid', 'high'] as const;
const M = { Doc: { read: 'low', edit: { any: 'high', self: 'mid' } } } as const;
const NAME = 'letters, digits and "_", starting with a letter, and not "all" or "manage"';
const NOT_A_SCOPE = 'is not a scope of the ladder (low, mid, high)';
const A_CELL = 'a cell is a scope, null, or { any?: scope | null, self: scope }';
const A_FIELD = 'a field name is letters, digits, "_", "$" or "-" (no dots or wildcards)';
const SELF_FIELD = 'selfField: expected a property name (letters, digits and "_", not starting with a digit)';

const refused: [string, unknown, string][] = [
  ['a definition that is not an object', 5, 'definition: expected { scopes, matrix }'],
  ['a null definition', null, 'definition: expected { scopes, matrix }'],
  [
    'aliases beside a Ladder',
    { scopes: defineLadder(S), aliases: { x: 'low' }, matrix: M },
    'aliases: give the aliases to defineLadder when `scopes` is a Ladder',
  ],
  ['scopes that are neither', { scopes: 'low', matrix: M }, 'scopes: expected an array of scopes (lowest first) or a Ladder'],
  [
    'a Ladder-like object without rank()',
    { scopes: { scopes: ['low'], has: () => true }, matrix: M },
    'scopes: expected an array of scopes (lowest first) or a Ladder',
  ],
  [
    'a Ladder-like object without has()',
    { scopes: { scopes: ['low'], rank: () => 0 }, matrix: M },
    'scopes: expected an array of scopes (lowest first) or a Ladder',
  ],
  [
    'a Ladder-like object without scopes',
    { scopes: { scopes: 'low', rank: () => 0, has: () => true }, matrix: M },
    'scopes: expected an array of scopes (lowest first) or a Ladder',
  ],
  ['a selfField that is not a string', { scopes: S, matrix: M, selfField: 5 }, SELF_FIELD],
  // An array converts to the string "id", which the pattern would accept.
  ['a selfField that is an array', { scopes: S, matrix: M, selfField: ['id'] }, SELF_FIELD],
  ['a selfField starting with a digit', { scopes: S, matrix: M, selfField: '1a' }, SELF_FIELD],
  ['a selfField ending with a dot', { scopes: S, matrix: M, selfField: 'a.' }, SELF_FIELD],
  ['a selfField "__proto__"', { scopes: S, matrix: M, selfField: '__proto__' }, SELF_FIELD],
  ['a matrix that is an array', { scopes: S, matrix: [] }, 'matrix: expected { Resource: { action: cell } }'],
  ['an empty matrix', { scopes: S, matrix: {} }, 'matrix: no resources'],
  ['a resource with a space', { scopes: S, matrix: { 'Do c': { read: 'low' } } }, `matrix.Do c: a resource name is ${NAME}`],
  ['a resource starting with "_"', { scopes: S, matrix: { _Doc: { read: 'low' } } }, `matrix._Doc: a resource name is ${NAME}`],
  ['a resource ending with "!"', { scopes: S, matrix: { Doc$: { read: 'low' } } }, `matrix.Doc$: a resource name is ${NAME}`],
  ['the resource "all"', { scopes: S, matrix: { all: { read: 'low' } } }, `matrix.all: a resource name is ${NAME}`],
  ['the resource "manage"', { scopes: S, matrix: { manage: { read: 'low' } } }, `matrix.manage: a resource name is ${NAME}`],
  ['a row that is an array', { scopes: S, matrix: { Doc: ['low'] } }, 'matrix.Doc: expected { action: cell }'],
  ['a row without actions', { scopes: S, matrix: { Doc: {} } }, 'matrix.Doc: no actions'],
  ['an action starting with a digit', { scopes: S, matrix: { Doc: { '1read': 'low' } } }, `matrix.Doc.1read: an action name is ${NAME}`],
  ['an action ending with "-"', { scopes: S, matrix: { Doc: { 'read-': 'low' } } }, `matrix.Doc.read-: an action name is ${NAME}`],
  ['the action "manage"', { scopes: S, matrix: { Doc: { manage: 'low' } } }, `matrix.Doc.manage: an action name is ${NAME}`],
  ['the action "all"', { scopes: S, matrix: { Doc: { all: 'low' } } }, `matrix.Doc.all: an action name is ${NAME}`],
  [
    'a missing cell',
    { scopes: S, matrix: { Doc: { read: 'low' }, Note: { edit: 'low' } } },
    'matrix.Doc.edit: missing cell (every resource lists every action; write null to allow no scope)',
  ],
  ['an unknown scope', { scopes: S, matrix: { Doc: { read: 'top' } } }, `matrix.Doc.read: "top" ${NOT_A_SCOPE}`],
  [
    'a scope named like an Object.prototype member',
    { scopes: S, matrix: { Doc: { read: 'toString' } } },
    `matrix.Doc.read: "toString" ${NOT_A_SCOPE}`,
  ],
  ['a number', { scopes: S, matrix: { Doc: { read: 5 } } }, `matrix.Doc.read: ${A_CELL}`],
  ['an array', { scopes: S, matrix: { Doc: { read: ['low'] } } }, `matrix.Doc.read: ${A_CELL}`],
  ['a function', { scopes: S, matrix: { Doc: { read: () => 'low' } } }, `matrix.Doc.read: ${A_CELL}`],
  [
    'an unknown key',
    { scopes: S, matrix: { Doc: { read: { self: 'low', other: 'x' } } } },
    'matrix.Doc.read: unknown key "other" (expected "any" and "self")',
  ],
  ['no self', { scopes: S, matrix: { Doc: { read: { any: 'high' } } } }, `matrix.Doc.read.self: undefined ${NOT_A_SCOPE}`],
  ['an unknown any', { scopes: S, matrix: { Doc: { read: { any: 'top', self: 'low' } } } }, `matrix.Doc.read.any: "top" ${NOT_A_SCOPE}`],
  [
    'a self above any',
    { scopes: S, matrix: { Doc: { read: { any: 'mid', self: 'high' } } } },
    'matrix.Doc.read: non-monotone cell: self scope "high" must be lower than any scope "mid" (whoever may act on every record may act on their own); write the scope alone instead',
  ],
  [
    'a self equal to any',
    { scopes: S, matrix: { Doc: { read: { any: 'mid', self: 'mid' } } } },
    'matrix.Doc.read: non-monotone cell: self scope "mid" must be lower than any scope "mid" (whoever may act on every record may act on their own); write the scope alone instead',
  ],
  ['fields that are an array', { scopes: S, matrix: M, fields: [] }, 'fields: expected { Resource: { action: { protected: [...] } } }'],
  ['fields of an unknown resource', { scopes: S, matrix: M, fields: { Note: {} } }, 'fields.Note: unknown resource'],
  ['fields of a resource as an array', { scopes: S, matrix: M, fields: { Doc: [] } }, 'fields.Doc: expected { action: { protected: [...] } }'],
  ['fields of an unknown action', { scopes: S, matrix: M, fields: { Doc: { write: { protected: ['a'] } } } }, 'fields.Doc.write: unknown action'],
  ['a field rule that is an array', { scopes: S, matrix: M, fields: { Doc: { edit: [] } } }, 'fields.Doc.edit: expected { protected: [...] }'],
  [
    'a field rule with another key',
    { scopes: S, matrix: M, fields: { Doc: { edit: { protected: ['a'], extra: 1 } } } },
    'fields.Doc.edit: unknown key "extra"',
  ],
  [
    'no protected field',
    { scopes: S, matrix: M, fields: { Doc: { edit: { protected: [] } } } },
    'fields.Doc.edit.protected: expected a non-empty array of field names',
  ],
  [
    'protected as a string',
    { scopes: S, matrix: M, fields: { Doc: { edit: { protected: 'a' } } } },
    'fields.Doc.edit.protected: expected a non-empty array of field names',
  ],
  [
    'a dotted protected field',
    { scopes: S, matrix: M, fields: { Doc: { edit: { protected: ['a', 'b.c'] } } } },
    `fields.Doc.edit.protected[1]: ${A_FIELD}`,
  ],
  [
    'a protected field ending with "*"',
    { scopes: S, matrix: M, fields: { Doc: { edit: { protected: ['a*'] } } } },
    `fields.Doc.edit.protected[0]: ${A_FIELD}`,
  ],
  [
    'a protected field starting with "."',
    { scopes: S, matrix: M, fields: { Doc: { edit: { protected: ['.a'] } } } },
    `fields.Doc.edit.protected[0]: ${A_FIELD}`,
  ],
  ['an empty protected field', { scopes: S, matrix: M, fields: { Doc: { edit: { protected: [''] } } } }, `fields.Doc.edit.protected[0]: ${A_FIELD}`],
  [
    'a protected field that is not a string',
    { scopes: S, matrix: M, fields: { Doc: { edit: { protected: [5] } } } },
    `fields.Doc.edit.protected[0]: ${A_FIELD}`,
  ],
  [
    'a protected field twice',
    { scopes: S, matrix: M, fields: { Doc: { edit: { protected: ['a', 'b', 'a'] } } } },
    'fields.Doc.edit.protected[2]: "a" appears twice',
  ],
  [
    'protected fields without a self grant',
    { scopes: S, matrix: M, fields: { Doc: { read: { protected: ['a'] } } } },
    'fields.Doc.read: protected fields need a self grant in matrix.Doc.read',
  ],
];

describe('definePolicy refuses, naming the key', () => {
  it.each(refused)('%s', (_name, definition, message) => {
    expect(() => definePolicy(definition as never)).toThrow(new TypeError(`definePolicy: ${message}`));
  });
});

describe('definePolicy accepts', () => {
  it('names at the edges of each pattern', () => {
    const policy = definePolicy({
      scopes: S,
      matrix: { D: { r: 'low', e9_: { self: 'low' } }, Doc_2: { r: null, e9_: { any: null, self: 'mid' } } },
      fields: { D: { e9_: { protected: ['$a', '-b', '_', 'A9', 'z'] } }, Doc_2: undefined },
      selfField: '_id',
    });
    expect(policy.resources).toEqual(['D', 'Doc_2']);
    expect(policy.actions).toEqual(['r', 'e9_']);
    expect(policy.protectedFields('e9_', 'D')).toEqual(['$a', '-b', '_', 'A9', 'z']);
    expect(policy.selfField).toBe('_id');
    expect(definePolicy({ scopes: S, matrix: M, fields: { Doc: { edit: undefined } } }).protectedFields('edit', 'Doc')).toEqual([]);
    expect(definePolicy({ scopes: S, matrix: M, selfField: 'a' }).selfField).toBe('a');
    expect(definePolicy({ scopes: S, matrix: M }).selfField).toBe('id');
  });

  it('a cell whose any is null or absent: self only', () => {
    for (const edit of [{ any: null, self: 'mid' }, { self: 'mid' }] as const) {
      const policy = definePolicy({ scopes: S, matrix: { Doc: { edit } } });
      expect(policy.requiredScope('edit', 'Doc')).toBeNull();
      expect(policy.requiredScope('edit', 'Doc', { self: true })).toBe('mid');
      expect(policy.can({ id: 'u1', scopes: ['high'] }, 'edit', subject('Doc', { id: 'u2' }))).toBe(false);
      expect(policy.can({ id: 'u1', scopes: ['high'] }, 'edit', subject('Doc', { id: 'u1' }))).toBe(true);
    }
  });

  it("a ladder with aliases: an alias is at its scope's level", () => {
    const policy = definePolicy({ scopes: S, aliases: { viewer: 'low', editor: 'mid' }, matrix: M });
    expect(policy.can({ id: 'u1', scopes: ['viewer'] }, 'read', 'Doc')).toBe(true);
    expect(policy.can({ id: 'u1', scopes: ['viewer'] }, 'edit', subject('Doc', { id: 'u1' }))).toBe(false);
    expect(policy.can({ id: 'u1', scopes: ['editor'] }, 'edit', subject('Doc', { id: 'u1' }))).toBe(true);
    expect(policy.can({ id: 'u1', scopes: ['editor'] }, 'edit', subject('Doc', { id: 'u2' }))).toBe(false);
    const ladder = defineLadder(S, { aliases: { viewer: 'low' } });
    expect(definePolicy({ scopes: ladder, matrix: M }).can({ id: 'u1', scopes: ['viewer'] }, 'read', 'Doc')).toBe(true);
  });
});

describe('the rules it compiles', () => {
  const policy = definePolicy({
    scopes: S,
    matrix: { Doc: { read: 'low', edit: { any: 'high', self: 'mid' } }, Note: { read: 'mid', edit: { any: 'high', self: 'low' } } },
    fields: { Doc: { edit: { protected: ['owner', 'acl'] } } },
  });

  it('per level: the unconditional rules, then a self rule per self-only cell and an inverted rule for its protected fields', () => {
    const id = 'u1';
    expect(policy.rulesFor({ id, scopes: [] })).toEqual([]);
    expect(policy.rulesFor({ id, scopes: ['low'] })).toEqual([
      { action: 'read', subject: 'Doc' },
      { action: 'edit', subject: 'Note', conditions: { id } },
    ]);
    expect(policy.rulesFor({ id, scopes: ['mid'] })).toEqual([
      { action: 'read', subject: 'Doc' },
      { action: 'read', subject: 'Note' },
      { action: 'edit', subject: 'Doc', conditions: { id } },
      { action: 'edit', subject: 'Doc', fields: ['owner', 'acl', 'owner.**', 'acl.**'], conditions: { id }, inverted: true },
      { action: 'edit', subject: 'Note', conditions: { id } },
    ]);
    expect(policy.rulesFor({ id, scopes: ['high'] })).toEqual([
      { action: 'read', subject: 'Doc' },
      { action: 'read', subject: 'Note' },
      { action: 'edit', subject: 'Doc' },
      { action: 'edit', subject: 'Note' },
    ]);
    expect(policy.rulesFor({ scopes: ['mid'] } as never)).toEqual([
      { action: 'read', subject: 'Doc' },
      { action: 'read', subject: 'Note' },
    ]);
  });

  it('a protected field is the name or a sub-path of it, nothing else', () => {
    const mid = { id: 'u1', scopes: ['mid'] };
    const own = () => subject('Doc', { id: 'u1' });
    const casl = createMongoAbility(policy.rulesFor(mid) as never);
    for (const field of ['owner', 'owner.name', 'acl', 'acl.0.user']) {
      expect(policy.can(mid, 'edit', own(), field)).toBe(false);
      expect(casl.can('edit', own() as never, field)).toBe(false);
    }
    for (const field of ['title', 'owners', 'ownerx.a', 'acl_', 'xowner', 'a.owner', 'undefined', 'undefined.x']) {
      expect(policy.can(mid, 'edit', own(), field)).toBe(true);
      expect(casl.can('edit', own() as never, field)).toBe(true);
    }
  });

  it('the field-name check of a type covers the protected fields of every action of it', () => {
    const two = definePolicy({
      scopes: S,
      matrix: { Doc: { edit: { any: 'high', self: 'mid' }, move: { any: 'high', self: 'mid' } } },
      fields: { Doc: { edit: { protected: ['owner'] }, move: { protected: ['folder'] } } },
    });
    expect(two.checkFieldName('Doc', 'owner\u200b')).not.toBeNull();
    expect(two.checkFieldName('Doc', 'fo\u200blder')).not.toBeNull();
    expect(two.checkFieldName('Doc', 'title')).toBeNull();
  });
});

describe('the rules it compiles with tenancy', () => {
  const policy = definePolicy({
    scopes: S,
    matrix: { Doc: { read: 'low', edit: { any: 'high', self: 'mid' } } },
    fields: { Doc: { edit: { protected: ['owner'] } } },
    tenancy: {},
  });
  const within = { organizationPath: { $regex: '^r1(?:#|(?![\\s\\S]))' } };

  it('a self-only cell: the self rule within the subtree, and the inverted rule for its protected fields', () => {
    const principal = { id: 'u1', scopes: ['mid'], organizationPath: 'r1' };
    expect(policy.rulesFor(principal)).toEqual([
      { action: 'read', subject: 'Doc', conditions: within },
      { action: 'edit', subject: 'Doc', conditions: { id: 'u1', ...within } },
      { action: 'edit', subject: 'Doc', fields: ['owner', 'owner.**'], conditions: { id: 'u1' }, inverted: true },
    ]);
    const casl = createMongoAbility(policy.rulesFor(principal) as never);
    const own = subject('Doc', { id: 'u1', organizationPath: 'r1' });
    expect(casl.can('edit', own as never, 'title')).toBe(true);
    expect(casl.can('edit', own as never, 'owner')).toBe(false);
    expect(casl.can('edit', own as never, 'owner.name')).toBe(false);
  });

  it('a principal without an id gets no self rule (a { id: null } condition would match id-less records)', () => {
    for (const id of [undefined, null, '', 5]) {
      const principal = { id, scopes: ['mid'], organizationPath: 'r1' } as never;
      expect(policy.rulesFor(principal)).toEqual([{ action: 'read', subject: 'Doc', conditions: within }]);
      expect(policy.rulesFor(principal, { dialect: 'prisma' })).toHaveLength(1);
      const casl = createMongoAbility(policy.rulesFor(principal) as never);
      expect(casl.can('edit', subject('Doc', { id: null, organizationPath: 'r1' }) as never)).toBe(false);
      expect(casl.can('edit', subject('Doc', { organizationPath: 'r1' }) as never)).toBe(false);
    }
  });
});

describe('what rulesFor hands out is the caller’s own', () => {
  it('every key of every copied condition can be changed and deleted (Mongoose casts filters in place)', () => {
    const policy = definePolicy({ scopes: S, matrix: { Doc: { read: 'low', edit: { any: 'high', self: 'mid' } } }, tenancy: {} });
    const [read, edit] = policy.rulesFor({ id: 'u1', scopes: ['mid'], organizationPath: 'r1' }) as {
      conditions: Record<string, unknown>;
    }[];
    const conditions = edit?.conditions as Record<string, unknown>;
    expect(delete conditions['id']).toBe(true);
    expect(conditions).not.toHaveProperty('id');
    const path = (read?.conditions as { organizationPath: Record<string, unknown> }).organizationPath;
    path['$regex'] = 'changed';
    expect(delete path['$regex']).toBe(true);
    expect(policy.rulesFor({ id: 'u1', scopes: ['mid'], organizationPath: 'r1' })[1]).toEqual({
      action: 'edit',
      subject: 'Doc',
      conditions: { id: 'u1', organizationPath: { $regex: '^r1(?:#|(?![\\s\\S]))' } },
    });
  });
});

describe('what counts as a Ladder', () => {
  it('null scopes are refused with the usual message (not a crash reading null)', () => {
    expect(() => definePolicy({ scopes: null, matrix: M } as never)).toThrow(
      new TypeError('definePolicy: scopes: expected an array of scopes (lowest first) or a Ladder'),
    );
  });

  it('a function carrying scopes, rank() and has() is not a Ladder', () => {
    const ladder = defineLadder(S);
    const impostor = Object.assign(() => undefined, { scopes: ladder.scopes, rank: ladder.rank, has: ladder.has });
    expect(() => definePolicy({ scopes: impostor, matrix: M } as never)).toThrow(
      new TypeError('definePolicy: scopes: expected an array of scopes (lowest first) or a Ladder'),
    );
  });
});

describe('a Ladder without aliases', () => {
  it('each scope is at its own rank (no alias entries are made up)', () => {
    // Duck-typed, as `definePolicy` accepts it: scopes, rank() and has(), no `aliases`.
    const scopes = ['S', 't'];
    const ladder = { scopes, rank: (scope: string) => scopes.indexOf(scope), has: (scope: string) => scopes.includes(scope) };
    const policy = definePolicy({ scopes: ladder as never, matrix: { Doc: { read: 't' } } });
    expect(policy.can({ id: 'u1', scopes: ['S'] }, 'read', 'Doc')).toBe(false);
    expect(policy.abilityFor({ id: 'u1', scopes: ['S'] }).can('read', 'Doc')).toBe(false);
    expect(policy.can({ id: 'u1', scopes: ['t'] }, 'read', 'Doc')).toBe(true);
  });
});

describe('Ladders and rules at the edges', () => {
  it('a Ladder-shaped object whose aliases are null has no aliases (no crash)', () => {
    const ladder = defineLadder(S);
    const shaped = {
      scopes: ladder.scopes,
      rank: ladder.rank.bind(ladder),
      has: ladder.has.bind(ladder),
      canonical: ladder.canonical.bind(ladder),
      aliases: null,
    };
    const policy = definePolicy({ scopes: shaped as unknown as typeof ladder, matrix: M });
    expect(policy.can({ id: 'u1', scopes: ['low'] }, 'read', 'Doc')).toBe(true);
  });

  it('copyPlain keeps null values (in objects and arrays) as they are', () => {
    expect(copyPlain({ a: null, b: [null, { c: null }] })).toEqual({ a: null, b: [null, { c: null }] });
  });
});
