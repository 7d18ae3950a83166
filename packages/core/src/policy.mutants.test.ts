// What `authorize()` throws and the smaller answers of the policy object that mutation testing
// (docs/testing.md) found no test pinning down: each test here fails with one surviving mutant of
// lib/policy.ts applied. Written at the public API, with an explicit policy.
import { describe, expect, it } from 'vitest';
import { chatshipperTenantPolicy, definePolicy, isScopeladderError, subject, type Principal, type ScopeladderError } from './index.js';

const policy = definePolicy({
  scopes: ['reader', 'writer', 'owner'],
  matrix: {
    Doc: { read: 'reader', edit: { any: 'owner', self: 'writer' }, purge: null, sign: { any: null, self: 'writer' } },
  },
  fields: { Doc: { edit: { protected: ['owner'] }, sign: { protected: ['owner'] } } },
});

const ID = 'u1';
const reader: Principal = { id: ID, scopes: ['reader'] };
const writer: Principal = { id: ID, scopes: ['writer'] };
const own = subject('Doc', { id: ID });
const other = subject('Doc', { id: 'u2' });

function caught(run: () => void): ScopeladderError {
  try {
    run();
  } catch (error) {
    if (isScopeladderError(error)) return error;
    throw error;
  }
  throw new Error('expected a ScopeladderError');
}

describe('the message and code of each denial', () => {
  it('insufficient scope', () => {
    const error = caught(() => policy.authorize(reader, 'edit', other));
    expect(error.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(error.message).toBe('Permission denied: "edit" on Doc needs scope "owner"');
    expect(error.denial).toEqual({ action: 'edit', subject: 'Doc', requiredScope: 'owner', reason: 'insufficient_scope' });
    const type = caught(() => policy.authorize({ id: ID, scopes: [] }, 'read', 'Doc'));
    expect(type.message).toBe('Permission denied: "read" on Doc needs scope "reader"');
    expect(type.denial).toEqual({ action: 'read', subject: 'Doc', requiredScope: 'reader', reason: 'no_known_scope' });
  });

  it('not self, with and without a scope that allows any record', () => {
    const withScope = caught(() => policy.authorize(writer, 'edit', other));
    expect(withScope.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(withScope.message).toBe('Permission denied: "edit" on Doc is allowed only on your own record; any other needs scope "owner"');
    expect(withScope.denial).toEqual({ action: 'edit', subject: 'Doc', requiredScope: 'owner', reason: 'not_self' });
    const withoutScope = caught(() => policy.authorize(writer, 'sign', other));
    expect(withoutScope.code).toBe('ERR_FORBIDDEN');
    expect(withoutScope.message).toBe('Permission denied: "sign" on Doc is allowed only on your own record');
    expect(withoutScope.denial).toEqual({ action: 'sign', subject: 'Doc', requiredScope: null, reason: 'not_self' });
  });

  it('a protected field, with and without a scope that may change it', () => {
    const withScope = caught(() => policy.authorize(writer, 'edit', own, 'owner'));
    expect(withScope.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(withScope.message).toBe('Permission denied: field "owner" in "edit" on Doc needs scope "owner"');
    expect(withScope.denial).toEqual({ action: 'edit', subject: 'Doc', field: 'owner', requiredScope: 'owner', reason: 'field_not_permitted' });
    const withoutScope = caught(() => policy.authorize(writer, 'sign', own, ['title', 'owner']));
    expect(withoutScope.code).toBe('ERR_FORBIDDEN');
    expect(withoutScope.message).toBe('Permission denied: field "owner" in "sign" on Doc needs scope (none)');
    expect(withoutScope.denial).toEqual({ action: 'sign', subject: 'Doc', field: 'owner', requiredScope: null, reason: 'field_not_permitted' });
  });

  it('no scope allows it, or the target has no type', () => {
    const forbidden = caught(() => policy.authorize(writer, 'purge', own));
    expect(forbidden.code).toBe('ERR_FORBIDDEN');
    expect(forbidden.message).toBe('Permission denied: no scope allows "purge" on Doc');
    const untyped = caught(() => policy.authorize(writer, 'read', 5 as never));
    expect(untyped.code).toBe('ERR_FORBIDDEN');
    expect(untyped.message).toBe('Permission denied: no scope allows "read" on an unknown subject');
    expect(untyped.denial).toEqual({ action: 'read', subject: '', requiredScope: null, reason: 'unknown_subject' });
  });

  it('echoes printable ASCII only, each name cut to 64 characters', () => {
    const action = `\u0000a\u00e9\u007f${'b'.repeat(100)}`;
    const error = caught(() => policy.authorize(writer, action as never, 'Doc'));
    expect(error.message).toBe(`Permission denied: no scope allows "?a??${'b'.repeat(60)}" on Doc`);
    const field = caught(() => policy.authorize(writer, 'edit', own, ['owner.\u00e9' + 'x'.repeat(100)]));
    expect(field.message).toBe(`Permission denied: field "owner.?${'x'.repeat(57)}" in "edit" on Doc needs scope "owner"`);
  });
});

describe('the checks at the boundaries of the ladder', () => {
  const owner: Principal = { id: ID, scopes: ['owner'] };
  const noId = (scope: string): Principal => ({ scopes: [scope] }) as unknown as Principal;

  it('the lowest scope of a cell allows it, with or without an id', () => {
    expect(policy.can(noId('owner'), 'edit', 'Doc')).toBe(true);
    expect(policy.canEvery(noId('owner'), 'edit', 'Doc')).toBe(true);
    expect(policy.can(writer, 'edit', 'Doc')).toBe(true);
    expect(policy.can(noId('writer'), 'edit', 'Doc')).toBe(false);
    expect(policy.can(reader, 'edit', 'Doc')).toBe(false);
    expect(policy.canEvery(writer, 'edit', 'Doc')).toBe(false);
    expect(policy.explain(writer, 'edit', 'Doc').allowed).toBe(true);
    expect(policy.explain(writer, 'edit', 'Doc', undefined, { every: true }).allowed).toBe(false);
  });

  it('canEvery() takes an instance for its type', () => {
    expect(policy.canEvery(owner, 'edit', own as never)).toBe(true);
    expect(policy.canEvery(writer, 'edit', own as never)).toBe(false);
  });

  it('an action that is not a string is no action, even one that converts to a known one', () => {
    for (const target of ['Doc', own] as const) {
      expect(policy.can(owner, ['read'] as never, target)).toBe(false);
      expect(policy.can(owner, { toString: () => 'read' } as never, target)).toBe(false);
    }
    expect(policy.canEvery(owner, ['read'] as never, 'Doc')).toBe(false);
    expect(policy.requiredScope(['read'] as never, 'Doc')).toBeNull();
    expect(policy.requiredScope('read', ['Doc'] as never)).toBeNull();
    expect(policy.protectedFields(['edit'] as never, 'Doc')).toEqual([]);
    expect(policy.protectedFields('edit', ['Doc'] as never)).toEqual([]);
    expect(policy.protectedFields('edit', 'Doc')).toEqual(['owner']);
  });

  it('a field that is not a string, or holds a line terminator, is refused even where any field is allowed', () => {
    for (const field of [42, ['title'], 'a\nb', 'a\u2028b']) {
      expect(policy.can(owner, 'edit', other, field as never)).toBe(false);
      expect(policy.can(owner, 'edit', 'Doc', field as never)).toBe(false);
      expect(policy.canEvery(owner, 'edit', 'Doc', field as never)).toBe(false);
    }
    expect(policy.can(owner, 'edit', other, 'title')).toBe(true);
    expect(policy.canEvery(owner, 'edit', 'Doc', 'title')).toBe(true);
    expect(policy.requiredScope('edit', 'Doc', { field: 'a\nb' })).toBeNull();
    expect(policy.requiredScope('edit', 'Doc', { field: 'title' })).toBe('owner');
  });

  it('a protected field of the own record needs the scope of any record', () => {
    expect(policy.can(writer, 'edit', own, 'owner')).toBe(false);
    expect(policy.can(writer, 'edit', own, 'title')).toBe(true);
    expect(policy.can(writer, 'edit', own, '')).toBe(true);
    expect(policy.requiredScope('edit', 'Doc', { self: true })).toBe('writer');
    expect(policy.requiredScope('edit', 'Doc', { self: true, field: 'owner' })).toBe('owner');
    expect(policy.requiredScope('edit', 'Doc', { self: true, field: '' })).toBe('writer');
    expect(policy.requiredScope('edit', 'Doc', { self: false })).toBe('owner');
    expect(policy.requiredScope('sign', 'Doc', { self: true, field: 'owner' })).toBeNull();
    expect(policy.requiredScope('purge', 'Doc')).toBeNull();
  });
});

describe('authorize() with field lists', () => {
  const owner: Principal = { id: ID, scopes: ['owner'] };

  it('an empty list is no field: the record-level check', () => {
    expect(() => policy.authorize(owner, 'edit', other, [])).not.toThrow();
    expect(caught(() => policy.authorize(reader, 'edit', other, [])).code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(caught(() => policy.authorize(writer, 'edit', other, [])).denial?.reason).toBe('not_self');
  });

  it('an empty field name is no field', () => {
    expect(() => policy.authorize(owner, 'edit', other, '')).not.toThrow();
    expect(() => policy.authorize(writer, 'edit', own, '')).not.toThrow();
  });

  it('checks every name before any permission', () => {
    const error = caught(() => policy.authorize(reader, 'edit', other, ['title', 'bad\u0000name']));
    expect(error.code).toBe('ERR_FIELD_NAME_INVALID');
  });

  it('a target of no type has no field names to check: the denial is about the target', () => {
    const error = caught(() => policy.authorize(owner, 'read', 5 as never, 'bad\u0000name'));
    expect(error.code).toBe('ERR_FORBIDDEN');
    expect(error.denial?.reason).toBe('unknown_subject');
  });
});

describe('rulesFor()', () => {
  it('refuses an unknown dialect, naming it', () => {
    expect(() => policy.rulesFor(writer, { dialect: 'sql' as never })).toThrow(
      new TypeError('rulesFor: options.dialect must be "mongo" or "prisma", got "sql"'),
    );
    expect(() => policy.rulesFor(writer, { dialect: (() => 1) as never })).toThrow(
      new TypeError('rulesFor: options.dialect must be "mongo" or "prisma", got () => 1'),
    );
  });

  it('defaults to the mongo dialect', () => {
    expect(policy.rulesFor(writer)).toEqual(policy.rulesFor(writer, { dialect: 'mongo' }));
    expect(policy.rulesFor(writer, {})).toEqual(policy.rulesFor(writer, { dialect: 'mongo' }));
  });
});

describe('the decision table', () => {
  it('lists a self row before the any row of a self cell, and no scope for a cell no scope may do', () => {
    // Built here, not at import: the table is computed when the policy is defined.
    const policy = definePolicy({
      scopes: ['reader', 'writer', 'owner'],
      matrix: { Doc: { read: 'reader', edit: { any: 'owner', self: 'writer' }, purge: null, sign: { any: null, self: 'writer' } } },
    });
    const rows = policy.decisionTable().map(({ resource, action, self, requiredScope, allowed }) => [
      `${action} ${resource}${self ? ' (self)' : ''}`,
      requiredScope,
      Object.entries(allowed)
        .filter(([, granted]) => granted)
        .map(([scope]) => scope),
    ]);
    expect(rows).toEqual([
      ['read Doc', 'reader', ['reader', 'writer', 'owner']],
      ['edit Doc (self)', 'writer', ['writer', 'owner']],
      ['edit Doc', 'owner', ['owner']],
      ['purge Doc', null, []],
      ['sign Doc (self)', 'writer', ['writer', 'owner']],
      ['sign Doc', null, []],
    ]);
    expect(Object.keys(policy.decisionTable()[0]?.allowed ?? {})).toEqual(['reader', 'writer', 'owner']);
  });
});

describe('smaller answers', () => {
  it('a denial without a field has no field key at all', () => {
    const error = caught(() => policy.authorize(reader, 'edit', other));
    expect(error.denial !== undefined && 'field' in error.denial).toBe(false);
  });

  it('with tenancy, a principal with a usable path gets type-level answers', () => {
    const agent: Principal = { id: 'a1', scopes: ['agent'], organizationPath: 'r1#c1' };
    expect(chatshipperTenantPolicy.can(agent, 'list', 'Conversation')).toBe(true);
    expect(chatshipperTenantPolicy.can({ ...agent, organizationPath: '' }, 'list', 'Conversation')).toBe(false);
  });

  it('a target of no type never reaches a resource named "undefined"', () => {
    const odd = definePolicy({ scopes: ['reader'], matrix: { undefined: { read: 'reader' } } });
    const p: Principal = { id: ID, scopes: ['reader'] };
    expect(odd.can(p, 'read', 'undefined')).toBe(true);
    expect(odd.can(p, 'read', Object.create(null) as never)).toBe(false);
    expect(odd.canEvery(p, 'read', 5 as never)).toBe(false);
    expect(odd.canEvery(p, 'read', Object.create(null) as never)).toBe(false);
  });

  it('principals without an id share one ability per level', () => {
    const a = policy.abilityFor({ scopes: ['writer'] } as never);
    expect(policy.abilityFor({ scopes: ['writer'] } as never)).toBe(a);
    expect(a.can('edit', own)).toBe(false);
  });

  it('without tenancy, an organization path on the principal changes nothing', () => {
    const withPath: Principal = { id: ID, scopes: ['writer'], organizationPath: 'r1' };
    expect(policy.rulesFor(withPath)).toEqual(policy.rulesFor(writer));
  });

  it('requiredScope() with a field on a cell that protects none; protectedFields() of an unknown action', () => {
    expect(policy.requiredScope('read', 'Doc', { field: 'title' })).toBe('reader');
    expect(policy.requiredScope('read', 'Doc', { self: true, field: 'title' })).toBe('reader');
    expect(policy.protectedFields('nope' as never, 'Doc')).toEqual([]);
  });

  it('checkFieldName() with a type that is not a string checks control characters only', () => {
    expect(policy.checkFieldName('Doc', 'Owner')).toEqual({ reason: 'confusable', protectedField: 'owner' });
    expect(policy.checkFieldName(['Doc'] as never, 'Owner')).toBeNull();
    expect(policy.checkFieldName(['Doc'] as never, 'a\u0000')).toEqual({ reason: 'control_character' });
  });
});
