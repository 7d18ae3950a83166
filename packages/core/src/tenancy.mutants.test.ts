// The tenancy declaration's refusals word for word, the edges of its name and separator patterns,
// the escaping of every regular-expression metacharacter, and the list filter's own answers:
// mutation testing (docs/testing.md) found no test pinning these down. Each test fails with one
// surviving mutant of lib/tenancy.ts or lib/filter.ts applied. Written at the public API.
import { describe, expect, it } from 'vitest';
import { definePolicy, subject, type Principal } from './index.js';

const base = {
  scopes: ['member', 'owner'],
  matrix: { Note: { read: 'member', edit: { any: 'owner', self: 'member' } }, Organization: { read: 'owner', edit: 'owner' } },
} as const;
const PROPERTY = 'expected a property name (letters, digits and "_", not starting with a digit)';
const SEPARATOR = 'tenancy.separator: expected one printable ASCII punctuation character, e.g. "#"';

describe('the tenancy declaration', () => {
  it.each([
    ['yes', 'tenancy: expected { separator?, field?, fieldsByType? }'],
    [[], 'tenancy: expected { separator?, field?, fieldsByType? }'],
    [{ sepparator: '#' }, 'tenancy: unknown key "sepparator" (expected "separator", "field" and "fieldsByType")'],
    [{ separator: 5 }, SEPARATOR],
    [{ separator: '' }, SEPARATOR],
    [{ separator: '##' }, SEPARATOR],
    [{ separator: 'a#' }, SEPARATOR],
    [{ separator: '#a' }, SEPARATOR],
    [{ field: 5 }, `tenancy.field: ${PROPERTY}`],
    [{ field: 'a.b' }, `tenancy.field: ${PROPERTY}`],
    [{ field: '1a' }, `tenancy.field: ${PROPERTY}`],
    [{ field: 'a-' }, `tenancy.field: ${PROPERTY}`],
    [{ field: '-a' }, `tenancy.field: ${PROPERTY}`],
    [{ field: '__proto__' }, `tenancy.field: ${PROPERTY}`],
    [{ field: 'id' }, 'tenancy.field: "id" is the selfField: the organization path needs a property of its own'],
    [{ fieldsByType: [] }, 'tenancy.fieldsByType: expected { Resource: field }'],
    [{ fieldsByType: { Nope: 'x' } }, 'tenancy.fieldsByType.Nope: unknown resource'],
    [{ fieldsByType: { Note: 5 } }, `tenancy.fieldsByType.Note: ${PROPERTY}`],
    [{ fieldsByType: { Note: 'id' } }, 'tenancy.fieldsByType.Note: "id" is the selfField: the organization path needs a property of its own'],
  ])('%j is refused', (tenancy, message) => {
    expect(() => definePolicy({ ...base, tenancy: tenancy as never })).toThrow(new TypeError(`definePolicy: ${message}`));
  });

  it('a default field that is the selfField is refused, naming the type', () => {
    expect(() => definePolicy({ ...base, selfField: 'path', tenancy: {} })).toThrow(
      new TypeError('definePolicy: tenancy.fieldsByType.Organization: the default "path" is the selfField: name another property'),
    );
    expect(() => definePolicy({ ...base, selfField: 'organizationPath', tenancy: { field: 'tenant' } })).not.toThrow();
  });

  it('accepts every punctuation character at the edges of its ranges, and no letter, digit or space', () => {
    for (const separator of ['!', '/', ':', '@', '[', '`', '{', '~', '#', '.']) {
      expect(definePolicy({ ...base, tenancy: { separator } }).tenancy?.separator).toBe(separator);
    }
    for (const separator of ['0', '9', 'A', 'Z', 'a', 'z', ' ', '\u007f', '\u00a1', '\n']) {
      expect(() => definePolicy({ ...base, tenancy: { separator } })).toThrow(new TypeError(`definePolicy: ${SEPARATOR}`));
    }
  });

  it('accepts property names at the edges of the pattern', () => {
    for (const field of ['_', 'a', 'Z', 'a9', '_9z', 'A_b']) {
      expect(definePolicy({ ...base, tenancy: { field, fieldsByType: { Organization: field } } }).tenancy?.fieldByType).toEqual({
        Note: field,
        Organization: field,
      });
    }
  });

  it('a per-type field overrides the default of its type only', () => {
    expect(definePolicy({ ...base, tenancy: { fieldsByType: { Note: 'tree' } } }).tenancy?.fieldByType).toEqual({
      Note: 'tree',
      Organization: 'path',
    });
  });
});

describe('the subtree condition', () => {
  const owner = (organizationPath: string): Principal => ({ id: 'o1', scopes: ['owner'], organizationPath });

  it('escapes every regular-expression metacharacter, and each control character as \\xHH', () => {
    const policy = definePolicy({ ...base, tenancy: {} });
    const path = 'a\\b^c$d.e*f+g?h(i)j[k]l{m}n|o/p\u0001q\u001fr\u007fs t~u-v';
    const filter = policy.filterFor(owner(path), 'read', 'Note');
    expect(filter.kind === 'condition' && filter.query).toEqual({
      organizationPath: { $regex: '^a\\\\b\\^c\\$d\\.e\\*f\\+g\\?h\\(i\\)j\\[k\\]l\\{m\\}n\\|o\\/p\\x01q\\x1fr\\x7fs t~u-v(?:#|(?![\\s\\S]))' },
    });
  });

  it('escapes the separator, and the prisma condition appends it', () => {
    const policy = definePolicy({ ...base, tenancy: { separator: '.' } });
    const filter = policy.filterFor(owner('r1.c1'), 'read', 'Note');
    expect(filter.kind === 'condition' && filter.query).toEqual({ organizationPath: { $regex: '^r1\\.c1(?:\\.|(?![\\s\\S]))' } });
    expect(filter.kind === 'condition' && filter.prisma).toEqual({
      OR: [{ organizationPath: 'r1.c1' }, { organizationPath: { startsWith: 'r1.c1.' } }],
    });
    expect(policy.rulesFor(owner('r1.c1'), { dialect: 'prisma' })).toContainEqual({
      action: 'read',
      subject: 'Note',
      conditions: { OR: [{ organizationPath: 'r1.c1' }, { organizationPath: { startsWith: 'r1.c1.' } }] },
    });
  });
});

describe('the list filter', () => {
  const policy = definePolicy({ ...base, tenancy: {} });
  const member: Principal = { id: 'm1', scopes: ['member'], organizationPath: 'r1' };

  it('a condition filter matches only objects, and fails closed on a throwing getter', () => {
    const filter = policy.filterFor(member, 'edit', 'Note');
    expect(filter.kind).toBe('condition');
    expect(filter.matches({ id: 'm1', organizationPath: 'r1#c1' })).toBe(true);
    expect(filter.matches({ id: 'm2', organizationPath: 'r1#c1' })).toBe(false);
    expect(filter.matches({ id: 'm1', organizationPath: 'r2' })).toBe(false);
    for (const record of [null, undefined, 'r1', 5]) expect(filter.matches(record)).toBe(false);
    const throwing = Object.defineProperty({ id: 'm1' }, 'organizationPath', {
      get() {
        throw new Error('boom');
      },
    });
    expect(filter.matches(throwing)).toBe(false);
    const throwingId = Object.defineProperty({ organizationPath: 'r1' }, 'id', {
      get() {
        throw new Error('boom');
      },
    });
    expect(filter.matches(throwingId)).toBe(false);
  });

  it('serializes as its kind and MongoDB query', () => {
    const filter = policy.filterFor(member, 'edit', 'Note');
    expect(JSON.parse(JSON.stringify(filter))).toEqual({
      kind: 'condition',
      query: { id: 'm1', organizationPath: { $regex: '^r1(?:#|(?![\\s\\S]))' } },
    });
    const unscoped = definePolicy(base).filterFor({ id: 'm1', scopes: ['member'] }, 'edit', 'Note');
    expect(JSON.parse(JSON.stringify(unscoped))).toEqual({ kind: 'condition', query: { id: 'm1' } });
    expect(unscoped.kind === 'condition' && unscoped.prisma).toEqual({ id: 'm1' });
    expect(unscoped.matches({ id: 'm1' })).toBe(true);
    expect(unscoped.matches({ id: 'm2' })).toBe(false);
  });

  it('a whole-type grant under tenancy is the subtree condition alone', () => {
    const filter = policy.filterFor({ id: 'o1', scopes: ['owner'], organizationPath: 'r1' }, 'edit', 'Note');
    expect(filter.kind === 'condition' && filter.query).toEqual({ organizationPath: { $regex: '^r1(?:#|(?![\\s\\S]))' } });
    expect(filter.kind === 'condition' && filter.prisma).toEqual({ OR: [{ organizationPath: 'r1' }, { organizationPath: { startsWith: 'r1#' } }] });
    expect(filter.matches({ id: 'x', organizationPath: 'r1#c1' })).toBe(true);
    expect(filter.matches({ id: 'x', organizationPath: 'r2' })).toBe(false);
  });

  it('none and all answer every record alike', () => {
    const none = policy.filterFor(member, 'edit', 'Organization');
    expect(none.kind).toBe('none');
    expect(none.matches({ id: 'm1', path: 'r1' })).toBe(false);
    const all = definePolicy(base).filterFor({ id: 'o1', scopes: ['owner'] }, 'edit', 'Note');
    expect(all.kind).toBe('all');
    expect(all.matches({})).toBe(true);
    expect(all.matches(null)).toBe(true);
  });

  it('an action or type that is not a string, or a principal without an id on a self-only cell, gets none', () => {
    expect(policy.filterFor(member, ['read'] as never, 'Note').kind).toBe('none');
    expect(policy.filterFor(member, 'read', ['Note'] as never).kind).toBe('none');
    expect(policy.filterFor({ scopes: ['member'], organizationPath: 'r1' } as never, 'edit', 'Note').kind).toBe('none');
    expect(definePolicy(base).filterFor({ scopes: ['member'] } as never, 'edit', 'Note').kind).toBe('none');
    expect(policy.filterFor({ id: 'm1', scopes: [], organizationPath: 'r1' }, 'read', 'Note').kind).toBe('none');
  });

  it('at the lowest scope of the cell', () => {
    expect(policy.filterFor(member, 'read', 'Note').kind).toBe('condition');
    expect(definePolicy(base).filterFor(member, 'read', 'Note').kind).toBe('all');
    const own = policy.filterFor(member, 'edit', 'Note');
    expect(own.kind === 'condition' && own.query).toEqual({ id: 'm1', organizationPath: { $regex: '^r1(?:#|(?![\\s\\S]))' } });
  });
});

describe('records a check reaches', () => {
  const policy = definePolicy({ ...base, tenancy: {} });
  it("a record of a type is read through that type's field only", () => {
    const owner: Principal = { id: 'o1', scopes: ['owner'], organizationPath: 'r1' };
    expect(policy.can(owner, 'read', subject('Organization', { id: 'x', path: 'r1#c1' }))).toBe(true);
    expect(policy.can(owner, 'read', subject('Organization', { id: 'x', organizationPath: 'r1#c1' }))).toBe(false);
    expect(policy.can(owner, 'read', subject('Note', { id: 'x', organizationPath: ['r2', 'r1#c1'] }))).toBe(true);
    expect(policy.can(owner, 'read', subject('Note', { id: 'x', organizationPath: ['r2', 7, null] }))).toBe(false);
  });
});

describe('found by the run of tenancy.ts', () => {
  it('a separator or field given as an array of one valid value is refused', () => {
    expect(() => definePolicy({ ...base, tenancy: { separator: ['#'] } as never })).toThrow(new TypeError(`definePolicy: ${SEPARATOR}`));
    expect(() => definePolicy({ ...base, tenancy: { field: ['tenant'] } as never })).toThrow(
      new TypeError(`definePolicy: tenancy.field: ${PROPERTY}`),
    );
  });

  it('a principal path with an empty segment reaches nothing, not even a record of the same path', () => {
    const policy = definePolicy({ ...base, tenancy: {} });
    const owner = { id: 'o1', scopes: ['owner'], organizationPath: 'r1##c1' } as Principal;
    expect(policy.can(owner, 'read', subject('Note', { id: 'n1', organizationPath: 'r1##c1' }))).toBe(false);
  });

  it('a principal whose path getter throws reaches nothing, and nothing throws', () => {
    const policy = definePolicy({ ...base, tenancy: {} });
    const owner = Object.defineProperty({ id: 'o1', scopes: ['owner'] }, 'organizationPath', {
      get() {
        throw new Error('boom');
      },
    }) as Principal;
    expect(policy.can(owner, 'read', 'Note')).toBe(false);
    expect(policy.filterFor(owner, 'read', 'Note').kind).toBe('none');
  });
});
