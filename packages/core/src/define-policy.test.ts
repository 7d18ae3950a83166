import { Ability, createMongoAbility, ForbiddenError, subject } from '@casl/ability';
import { packRules, permittedFieldsOf, unpackRules } from '@casl/ability/extra';
import { describe, expect, it } from 'vitest';
import { DELEGATED_MEMBERS } from './lib/ladder-ability.js';
import { definePolicy, defineLadder, isScopeladderError, ScopeladderError, type Matrix, type Policy, type PolicyAbility } from './index.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

const SELF = 'u-self';
const OTHER = 'u-other';
const guest = { id: SELF, scopes: ['guest'] };
const agent = { id: SELF, scopes: ['agent'] };
const bot = { id: SELF, scopes: ['bot'] };
const admin = { id: SELF, scopes: ['admin'] };
const ownUser = () => subject('User', { id: SELF });
const otherUser = () => subject('User', { id: OTHER });

function caught(run: () => void): ScopeladderError {
  try {
    run();
  } catch (error) {
    if (isScopeladderError(error)) return error;
    throw error;
  }
  throw new Error('expected a ScopeladderError');
}

describe('definePolicy validation', () => {
  const scopes = ['low', 'high'] as const;
  const define =
    (matrix: unknown, extra: Record<string, unknown> = {}) =>
    () =>
      definePolicy({ scopes, matrix: matrix as Matrix<'low' | 'high'>, ...extra });

  it('accepts a well-formed matrix and a Ladder for scopes', () => {
    expect(() => define({ Doc: { read: 'low', write: { any: 'high', self: 'low' }, drop: null } })()).not.toThrow();
    const ladder = defineLadder(scopes);
    expect(definePolicy({ scopes: ladder, matrix: { Doc: { read: 'low' } } }).ladder).toBe(ladder);
  });

  it.each([
    ['an unknown scope', { Doc: { read: 'mid' } }, /matrix\.Doc\.read: "mid" is not a scope/],
    ['a scope with the wrong case', { Doc: { read: 'LOW' } }, /matrix\.Doc\.read/],
    ['an unknown self scope', { Doc: { read: { any: 'high', self: 'nobody' } } }, /matrix\.Doc\.read\.self/],
    ['an unknown any scope', { Doc: { read: { any: 'nobody', self: 'low' } } }, /matrix\.Doc\.read\.any/],
    ['a self cell without self', { Doc: { read: { any: 'high' } } }, /matrix\.Doc\.read\.self/],
    ['an unknown key in a cell', { Doc: { read: { any: 'high', self: 'low', sefl: 'low' } } }, /matrix\.Doc\.read: unknown key "sefl"/],
    ['a non-monotone cell (self above any)', { Doc: { read: { any: 'low', self: 'high' } } }, /matrix\.Doc\.read: non-monotone/],
    ['a redundant cell (self equal to any)', { Doc: { read: { any: 'low', self: 'low' } } }, /matrix\.Doc\.read: non-monotone/],
    ['a number as a cell', { Doc: { read: 1 } }, /matrix\.Doc\.read/],
    ['an array as a cell', { Doc: { read: ['low'] } }, /matrix\.Doc\.read/],
    ['a missing cell', { Doc: { read: 'low' }, Note: { write: 'low' } }, /matrix\.Doc\.write: missing cell/],
    ['a resource with no actions', { Doc: {} }, /matrix\.Doc: no actions/],
    ['no resources', {}, /matrix: no resources/],
    ['the reserved action "manage"', { Doc: { manage: 'low' } }, /matrix\.Doc\.manage/],
    ['the reserved resource "all"', { all: { read: 'low' } }, /matrix\.all/],
    ['a resource name with odd characters', { __proto__x: { read: 'low' } }, /matrix\.__proto__x/],
    ['an action name with a space', { Doc: { 'read all': 'low' } }, /matrix\.Doc\.read all/],
    ['a matrix that is not an object', 'Doc', /matrix/],
  ])('rejects %s with a TypeError naming the cell', (_, matrix, message) => {
    expect(define(matrix)).toThrow(TypeError);
    expect(define(matrix)).toThrow(message);
  });

  it.each([
    ['an unknown resource', { Nope: { read: { protected: ['a'] } } }, /fields\.Nope: unknown resource/],
    ['an unknown action', { Doc: { nope: { protected: ['a'] } } }, /fields\.Doc\.nope: unknown action/],
    ['a cell without a self grant', { Doc: { read: { protected: ['a'] } } }, /fields\.Doc\.read: protected fields need a self grant/],
    ['an empty list', { Doc: { write: { protected: [] } } }, /fields\.Doc\.write\.protected/],
    ['a dotted name', { Doc: { write: { protected: ['a.b'] } } }, /fields\.Doc\.write\.protected\[0\]/],
    ['a wildcard', { Doc: { write: { protected: ['*'] } } }, /fields\.Doc\.write\.protected\[0\]/],
    ['a duplicate', { Doc: { write: { protected: ['a', 'a'] } } }, /appears twice/],
    ['an unknown key', { Doc: { write: { protect: ['a'] } } }, /fields\.Doc\.write: unknown key "protect"/],
  ])('rejects field rules with %s', (_, fields, message) => {
    const matrix = { Doc: { read: 'low', write: { any: 'high', self: 'low' } } };
    expect(define(matrix, { fields })).toThrow(TypeError);
    expect(define(matrix, { fields })).toThrow(message);
  });

  it('rejects bad scopes, selfField and cacheSize', () => {
    const matrix = { Doc: { read: 'low' } };
    expect(() => definePolicy({ scopes: [] as string[], matrix })).toThrow(TypeError);
    expect(() => definePolicy({ scopes: ['a', 'a'], matrix: { Doc: { read: 'a' } } })).toThrow(TypeError);
    expect(() => definePolicy({ scopes: 'low' as never, matrix })).toThrow(/scopes/);
    expect(define(matrix, { selfField: 'owner.id' })).toThrow(/selfField/);
    expect(define(matrix, { selfField: '__proto__' })).toThrow(/selfField/);
    expect(define(matrix, { selfField: '$where' })).toThrow(/selfField/);
    expect(define(matrix, { cacheSize: 0 })).toThrow(/cacheSize/);
  });
});

describe('type-level vs instance checks', () => {
  it('can() on a type answers like CASL (some instance); canEvery() only for every instance', () => {
    expect(chatshipperMatrixPolicy.can(guest, 'fetch', 'User')).toBe(true);
    expect(chatshipperMatrixPolicy.canEvery(guest, 'fetch', 'User')).toBe(false);
    expect(chatshipperMatrixPolicy.canEvery(bot, 'fetch', 'User')).toBe(true);
    expect(createMongoAbility(chatshipperMatrixPolicy.rulesFor(guest)).can('fetch', 'User')).toBe(true);
  });

  it('explain() says why, with the lowest scope and the granting scope', () => {
    expect(chatshipperMatrixPolicy.explain(guest, 'fetch', 'User')).toEqual({
      allowed: true,
      action: 'fetch',
      subject: 'User',
      requiredScope: 'guest',
      grantedBy: 'guest',
      reason: 'granted',
      conditional: true,
    });
    expect(chatshipperMatrixPolicy.explain(guest, 'fetch', 'User', undefined, { every: true })).toMatchObject({
      allowed: false,
      requiredScope: 'bot',
      reason: 'not_self',
    });
    expect(chatshipperMatrixPolicy.explain(guest, 'fetch', otherUser())).toMatchObject({
      allowed: false,
      requiredScope: 'bot',
      reason: 'not_self',
    });
    expect(chatshipperMatrixPolicy.explain(agent, 'list', 'Message')).toMatchObject({
      allowed: false,
      requiredScope: 'bot',
      grantedBy: null,
      reason: 'insufficient_scope',
    });
    expect(chatshipperMatrixPolicy.explain({ id: SELF, scopes: ['guest', 'admin', 'bot'] }, 'list', 'Message')).toMatchObject({
      allowed: true,
      requiredScope: 'bot',
      grantedBy: 'bot',
      conditional: false,
    });
    expect(chatshipperMatrixPolicy.explain({ id: SELF, scopes: ['root'] }, 'list', 'Message').reason).toBe('no_known_scope');
  });

  it('unknown actions, subjects, scopes and junk never throw: they deny', () => {
    const p = chatshipperMatrixPolicy as unknown as Policy;
    const junkTargets: unknown[] = [
      'Nope',
      '',
      '__proto__',
      'constructor',
      42,
      null,
      undefined,
      {},
      [],
      () => 1,
      Object.create(null),
      subject('Nope', { id: SELF }),
    ];
    const junkActions: unknown[] = ['fecth', '', 'manage', '__proto__', 'constructor', 42, null, undefined, ['fetch']];
    const junkPrincipals: unknown[] = [null, undefined, {}, { id: SELF }, { scopes: 'admin' }, { id: 1, scopes: [1, null, {}] }];
    for (const action of junkActions) {
      for (const target of junkTargets) {
        expect(p.can(admin, action as string, target as string)).toBe(false);
        expect(p.canEvery(admin, action as string, target as string)).toBe(false);
        expect(p.explain(admin, action as string, target as string).allowed).toBe(false);
        expect(caught(() => p.authorize(admin, action as string, target as string)).code).toBe('ERR_FORBIDDEN');
      }
    }
    for (const principal of junkPrincipals) {
      expect(p.can(principal as never, 'fetch', 'Conversation')).toBe(false);
      expect(p.abilityFor(principal as never).can('fetch', 'Conversation')).toBe(false);
      expect(p.rulesFor(principal as never)).toEqual([]);
      expect(caught(() => p.authorize(principal as never, 'fetch', 'Conversation')).code).toBe('ERR_INSUFFICIENT_SCOPE');
    }
    expect(p.explain(admin, 'fecth', 'User').reason).toBe('unknown_action');
    expect(p.explain(admin, 'fetch', 'Usr').reason).toBe('unknown_subject');
    expect(p.explain(admin, 'fetch', 'User', 42 as unknown as string).reason).toBe('invalid_field');
    expect(p.can(admin, 'fetch', 'User', 42 as unknown as string)).toBe(false);
    expect(p.requiredScope('fecth', 'User')).toBeNull();
    expect(p.protectedFields('fetch', 'Nope')).toEqual([]);
  });

  it('names of Object.prototype members are ordinary names: known ones decide like CASL, unknown ones deny', () => {
    const policy = definePolicy({
      scopes: ['__proto__', 'constructor', 'toString'],
      matrix: {
        constructor: { hasOwnProperty: '__proto__', valueOf: { any: 'toString', self: 'constructor' }, toString: null },
        toString: { hasOwnProperty: 'toString', valueOf: 'constructor', toString: '__proto__' },
      },
    }) as unknown as Policy;
    const traps = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'prototype'];
    const principals = [
      ...[['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty'], ['valueOf', 'prototype'], []].map((scopes) => ({ id: SELF, scopes })),
      { id: 'constructor', scopes: ['constructor'] },
    ];
    let allowed = 0;
    for (const principal of principals) {
      const plain = createMongoAbility(policy.rulesFor(principal));
      const ability = policy.abilityFor(principal);
      for (const action of traps) {
        for (const type of traps) {
          for (const target of [type, subject(type, { id: principal.id }), subject(type, { id: OTHER })]) {
            const expected = plain.can(action, target as never);
            if (expected) allowed++;
            expect(policy.can(principal, action, target as never)).toBe(expected);
            expect(ability.can(action as never, target as never)).toBe(expected);
            expect(policy.explain(principal, action, target as never).allowed).toBe(expected);
            if (!['constructor', 'toString'].includes(type) || !['hasOwnProperty', 'valueOf', 'toString'].includes(action)) {
              expect(expected).toBe(false);
              expect(policy.canEvery(principal, action, type)).toBe(false);
            }
          }
        }
      }
    }
    expect(allowed).toBeGreaterThan(20); // the known names do grant
    // Scopes outside the ladder grant nothing, whatever they are called.
    expect(policy.rulesFor({ id: SELF, scopes: ['hasOwnProperty', 'valueOf', 'prototype'] })).toEqual([]);
    expect(policy.can({ id: SELF, scopes: ['__proto__'] }, 'hasOwnProperty', 'constructor')).toBe(true);
    expect(policy.can({ id: SELF, scopes: ['__proto__'] }, 'valueOf', subject('constructor', { id: SELF }))).toBe(false);
    expect(policy.can({ id: SELF, scopes: ['constructor'] }, 'valueOf', subject('constructor', { id: SELF }))).toBe(true);
    expect(policy.canEvery({ id: SELF, scopes: ['toString'] }, 'valueOf', 'constructor')).toBe(true);
  });

  it('detects the type of untagged class instances like CASL does', () => {
    class User {
      constructor(readonly id: string) {}
    }
    const principal = { id: SELF, scopes: ['guest'] };
    expect(chatshipperMatrixPolicy.can(principal, 'fetch', new User(SELF) as never)).toBe(true);
    expect(chatshipperMatrixPolicy.can(principal, 'fetch', new User(OTHER) as never)).toBe(false);
    expect(chatshipperMatrixPolicy.abilityFor(principal).can('fetch', new User(SELF) as never)).toBe(true);
    expect(createMongoAbility(chatshipperMatrixPolicy.rulesFor(principal)).can('fetch', new User(SELF) as never)).toBe(true);
  });

  it('a principal without a usable id gets no self grant', () => {
    for (const id of ['', undefined, 42]) {
      const principal = { id, scopes: ['guest'] } as never;
      expect(chatshipperMatrixPolicy.can(principal, 'fetch', 'User')).toBe(false);
      expect(chatshipperMatrixPolicy.can(principal, 'fetch', subject('User', { id }))).toBe(false);
      expect(chatshipperMatrixPolicy.abilityFor(principal).can('fetch', 'User')).toBe(false);
      expect(chatshipperMatrixPolicy.can(principal, 'fetch', 'Conversation')).toBe(true);
    }
  });
});

describe('authorize()', () => {
  it('passes silently when allowed', () => {
    expect(() => chatshipperMatrixPolicy.authorize(bot, 'list', 'User')).not.toThrow();
    expect(() => chatshipperMatrixPolicy.authorize(guest, 'fetch', ownUser())).not.toThrow();
    expect(() => chatshipperMatrixPolicy.authorize(guest, 'update', ownUser(), ['email', 'name'])).not.toThrow();
    expect(() => chatshipperMatrixPolicy.authorize(admin, 'update', otherUser(), ['role'])).not.toThrow();
  });

  it('uses canEvery semantics for a type target (safe for route guards)', () => {
    const error = caught(() => chatshipperMatrixPolicy.authorize(guest, 'fetch', 'User'));
    expect(error.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(error.denial).toEqual({ action: 'fetch', subject: 'User', requiredScope: 'bot', reason: 'not_self' });
  });

  it('throws ERR_INSUFFICIENT_SCOPE with the required scope, and never leaks the principal', () => {
    const error = caught(() => chatshipperMatrixPolicy.authorize({ id: 'secret-id', scopes: ['agent'] }, 'delete', 'KnowledgeItem'));
    expect(error).toBeInstanceOf(ScopeladderError);
    expect(error.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(error.denial).toEqual({ action: 'delete', subject: 'KnowledgeItem', requiredScope: 'bot', reason: 'insufficient_scope' });
    expect(error.message).toBe('Permission denied: "delete" on KnowledgeItem needs scope "bot"');
    expect(JSON.stringify(error)).not.toContain('secret-id');
  });

  it('throws for the first denied field of a field array', () => {
    const error = caught(() => chatshipperMatrixPolicy.authorize(agent, 'update', ownUser(), ['email', 'role', 'scopes']));
    expect(error.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(error.denial).toEqual({
      action: 'update',
      subject: 'User',
      field: 'role',
      requiredScope: 'admin',
      reason: 'field_not_permitted',
    });
  });

  it('throws ERR_FORBIDDEN when no scope of the ladder allows it', () => {
    const policy = definePolicy({ scopes: ['a', 'b'], matrix: { Doc: { read: 'a', purge: null } } });
    const error = caught(() => policy.authorize({ id: 'x', scopes: ['b'] }, 'purge', 'Doc'));
    expect(error.code).toBe('ERR_FORBIDDEN');
    expect(error.denial).toEqual({ action: 'purge', subject: 'Doc', requiredScope: null, reason: 'forbidden' });
  });

  it('bounds and sanitises what it echoes', () => {
    const error = caught(() => chatshipperMatrixPolicy.authorize(guest, `x\u0000${'y'.repeat(500)}` as never, 'User'));
    expect(error.code).toBe('ERR_FORBIDDEN');
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).not.toMatch(/[^\x20-\x7e]/);
    expect((error.denial?.action ?? '').length).toBeLessThanOrEqual(128);
  });
});

describe('field safety', () => {
  const allFields = ['email', 'name', 'password', 'role', 'scopes', 'organization', 'apiToken'];
  const fieldsFrom = (rule: { fields?: string[] | undefined }) => rule.fields ?? allFields;

  it('a non-admin updating their own user may not change role, scopes, organization or API tokens', () => {
    for (const principal of [guest, agent, bot]) {
      for (const field of ['role', 'scopes', 'organization', 'apiToken', 'organization.id', 'role.name']) {
        expect(chatshipperMatrixPolicy.can(principal, 'update', ownUser(), field)).toBe(false);
        expect(chatshipperMatrixPolicy.abilityFor(principal).can('update', ownUser(), field)).toBe(false);
        expect(createMongoAbility(chatshipperMatrixPolicy.rulesFor(principal)).can('update', ownUser(), field)).toBe(false);
      }
      for (const field of ['email', 'name', 'password', 'roles', 'organizationName']) {
        expect(chatshipperMatrixPolicy.can(principal, 'update', ownUser(), field)).toBe(true);
      }
      expect(chatshipperMatrixPolicy.explain(principal, 'update', ownUser(), 'role')).toMatchObject({
        allowed: false,
        requiredScope: 'admin',
        reason: 'field_not_permitted',
      });
    }
  });

  it('permittedFieldsOf (CASL) reflects the protected fields', () => {
    const ability = chatshipperMatrixPolicy.abilityFor(agent);
    expect(permittedFieldsOf(ability, 'update', ownUser(), { fieldsFrom }).sort()).toEqual(['email', 'name', 'password']);
    expect(permittedFieldsOf(ability, 'update', otherUser(), { fieldsFrom })).toEqual([]);
    expect(permittedFieldsOf(chatshipperMatrixPolicy.abilityFor(admin), 'update', ownUser(), { fieldsFrom }).sort()).toEqual([...allFields].sort());
  });

  it('an admin may change every field of any user', () => {
    for (const field of ['role', 'scopes', 'organization', 'apiToken', 'email']) {
      expect(chatshipperMatrixPolicy.can(admin, 'update', ownUser(), field)).toBe(true);
      expect(chatshipperMatrixPolicy.can(admin, 'update', otherUser(), field)).toBe(true);
    }
  });

  it('reports the protected fields and the scope a field needs', () => {
    expect(chatshipperMatrixPolicy.protectedFields('update', 'User')).toContain('role');
    expect(chatshipperMatrixPolicy.protectedFields('fetch', 'User')).toEqual([]);
    expect(chatshipperMatrixPolicy.requiredScope('update', 'User', { self: true, field: 'role' })).toBe('admin');
    expect(chatshipperMatrixPolicy.requiredScope('update', 'User', { self: true, field: 'email' })).toBe('guest');
  });
});

describe('abilities', () => {
  it('are real CASL abilities', () => {
    const ability = chatshipperMatrixPolicy.abilityFor(agent);
    expect(ability).toBeInstanceOf(Ability);
    expect(ability.can('list', 'Conversation')).toBe(true);
    expect(ability.cannot('list', 'Message')).toBe(true);
    expect(ability.relevantRuleFor('list', 'Conversation')?.action).toBe('list');
    expect(ability.rulesFor('update', 'User').length).toBeGreaterThan(0);
    expect(ability.possibleRulesFor('fetch', 'User').length).toBe(1);
    expect(ability.actionsFor('User').sort()).toEqual(['fetch', 'update']);
    expect(ability.detectSubjectType(ownUser())).toBe('User');
    expect(ability.rules).toEqual(chatshipperMatrixPolicy.rulesFor(agent));
    expect(() => ForbiddenError.from(ability).throwUnlessCan('list', 'Message')).toThrow(ForbiddenError);
    const unsubscribe = ability.on('updated', () => undefined);
    expect(typeof unsubscribe).toBe('function');
    unsubscribe();
  });

  it('cover every public method of CASL (a CASL upgrade that adds one fails here)', () => {
    const names = new Set<string>();
    for (let proto = Ability.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) if (name !== 'constructor' && name.length > 1) names.add(name); // one-letter names are CASL's minified internals
    }
    expect([...names].sort()).toEqual([...DELEGATED_MEMBERS].sort());
  });

  // The CASL ability behind an ability (its rule index, the expensive part) is what is cached: a
  // rule object CASL hands out is the same only when it comes from the same CASL ability.
  const ruleOf = (ability: unknown, action = 'fetch', id = 'cache-me') => (ability as PolicyAbility).relevantRuleFor(action, subject('User', { id }));

  it('are cached: a repeated principal costs no rebuild of the CASL ability, even as a new object', () => {
    const first = ruleOf(chatshipperMatrixPolicy.abilityFor({ id: 'cache-me', scopes: ['agent'] }));
    expect(first).not.toBeNull();
    expect(ruleOf(chatshipperMatrixPolicy.abilityFor({ id: 'cache-me', scopes: ['agent'] }))).toBe(first);
    expect(ruleOf(chatshipperMatrixPolicy.abilityFor({ id: 'cache-me', scopes: ['agent', 'guest'] }))).toBe(first);
    expect(ruleOf(chatshipperMatrixPolicy.abilityFor({ id: 'cache-me', scopes: ['bot'] }))).not.toBe(first);
    expect(ruleOf(chatshipperMatrixPolicy.abilityFor({ id: 'someone-else', scopes: ['agent'] }), 'fetch', 'someone-else')).not.toBe(first);
    // Once built, an ability keeps its CASL ability.
    const ability = chatshipperMatrixPolicy.abilityFor({ id: 'cache-me', scopes: ['guest'] });
    expect(ruleOf(ability)).toBe(ruleOf(ability));
    expect(ability.rules).toBe(ability.rules);
    // Admins have no self rules: they all share one ability.
    expect(chatshipperMatrixPolicy.abilityFor({ id: 'a', scopes: ['admin'] })).toBe(
      chatshipperMatrixPolicy.abilityFor({ id: 'b', scopes: ['admin'] }),
    );
  });

  it('keep the cache bounded (oldest generation dropped) without changing any answer', () => {
    const policy = definePolicy({
      scopes: ['guest', 'admin'],
      matrix: { User: { fetch: { any: 'admin', self: 'guest' } } },
      cacheSize: 4,
    });
    const first = policy.abilityFor({ id: 'p0', scopes: ['guest'] });
    const rule = ruleOf(first, 'fetch', 'p0');
    expect(ruleOf(policy.abilityFor({ id: 'p0', scopes: ['guest'] }), 'fetch', 'p0')).toBe(rule);
    for (let i = 1; i < 20; i++) ruleOf(policy.abilityFor({ id: `p${i}`, scopes: ['guest'] }), 'fetch', `p${i}`);
    const again = policy.abilityFor({ id: 'p0', scopes: ['guest'] });
    expect(ruleOf(again, 'fetch', 'p0')).not.toBe(rule);
    expect(again.can('fetch', subject('User', { id: 'p0' }))).toBe(true);
    expect(first.can('fetch', subject('User', { id: 'p0' }))).toBe(true);
    expect(again.can('fetch', subject('User', { id: 'p1' }))).toBe(false);
    expect(createMongoAbility(again.rules).can('fetch', subject('User', { id: 'p0' }))).toBe(true);
  });

  it('are immutable: update() throws', () => {
    const ability = chatshipperMatrixPolicy.abilityFor(agent);
    expect(() => ability.update([])).toThrow(TypeError);
    expect(ability.can('list', 'Conversation')).toBe(true);
  });

  it('rulesFor() is JSON-safe and round-trips through packRules', () => {
    const rules = chatshipperMatrixPolicy.rulesFor(guest);
    expect(JSON.parse(JSON.stringify(rules))).toEqual(rules);
    const browser = createMongoAbility(unpackRules(packRules(rules)) as typeof rules);
    expect(browser.can('update', ownUser(), 'role')).toBe(false);
    expect(browser.can('update', ownUser(), 'email')).toBe(true);
    expect(browser.can('fetch', otherUser())).toBe(false);
    expect(chatshipperMatrixPolicy.rulesFor(admin)).toHaveLength(45);
    rules.pop();
    expect(chatshipperMatrixPolicy.rulesFor(guest)).toHaveLength(rules.length + 1);
  });

  it('honour a custom selfField', () => {
    const policy = definePolicy({
      scopes: ['member', 'owner'],
      matrix: { Post: { edit: { any: 'owner', self: 'member' } } },
      selfField: 'authorId',
    });
    const member = { id: 'm1', scopes: ['member'] };
    expect(policy.can(member, 'edit', subject('Post', { id: 'p1', authorId: 'm1' }))).toBe(true);
    expect(policy.can(member, 'edit', subject('Post', { id: 'm1', authorId: 'x' }))).toBe(false);
    expect(policy.rulesFor(member)).toEqual([{ action: 'edit', subject: 'Post', conditions: { authorId: 'm1' } }]);
  });

  it('agree with CASL on odd self values (arrays, missing, non-strings)', () => {
    const plain = createMongoAbility(chatshipperMatrixPolicy.rulesFor(guest));
    const ability = chatshipperMatrixPolicy.abilityFor(guest);
    for (const id of [[SELF], [OTHER], [OTHER, SELF], undefined, null, 42, { id: SELF }, SELF.toUpperCase()]) {
      const target = subject('User', { id });
      const expected = plain.can('fetch', target);
      expect(chatshipperMatrixPolicy.can(guest, 'fetch', target)).toBe(expected);
      expect(ability.can('fetch', target)).toBe(expected);
      expect(chatshipperMatrixPolicy.explain(guest, 'fetch', target).allowed).toBe(expected);
    }
  });
});

describe('field names with a line terminator', () => {
  const BAD_FIELDS = ['role.a\nb', 'organization.\n', 'apiKeys.x\u2028y', 'role.a\rb', 'role.\u2029'];

  it('are denied by can, abilityFor().can, explain, authorize and requiredScope, whoever asks', () => {
    for (const field of BAD_FIELDS) {
      for (const principal of [guest, admin]) {
        expect(chatshipperMatrixPolicy.can(principal, 'update', ownUser(), field)).toBe(false);
        expect(chatshipperMatrixPolicy.can(principal, 'update', 'User', field)).toBe(false);
        expect(chatshipperMatrixPolicy.canEvery(principal, 'update', 'User', field)).toBe(false);
        const ability = chatshipperMatrixPolicy.abilityFor(principal);
        expect(ability.can('update', ownUser(), field)).toBe(false);
        expect(ability.can('update', 'User', field)).toBe(false);
        // The CASL fallback (an untagged subject) denies too.
        expect(ability.can('update', { id: SELF } as never, field)).toBe(false);
        expect(chatshipperMatrixPolicy.explain(principal, 'update', ownUser(), field).reason).toBe('invalid_field');
        expect(() => chatshipperMatrixPolicy.authorize(principal, 'update', ownUser(), ['email', field])).toThrow(ScopeladderError);
        expect(() => chatshipperMatrixPolicy.authorize(principal, 'update', ownUser(), field)).toThrow(ScopeladderError);
      }
      expect(chatshipperMatrixPolicy.requiredScope('update', 'User', { self: true, field })).toBeNull();
    }
    // Unchanged: an ordinary field on one's own record, and the protected sub-paths themselves.
    expect(chatshipperMatrixPolicy.can(guest, 'update', ownUser(), 'email')).toBe(true);
    expect(chatshipperMatrixPolicy.can(guest, 'update', ownUser(), 'role.a')).toBe(false);
    expect(chatshipperMatrixPolicy.can(guest, 'update', ownUser(), 'organization.')).toBe(false);
    expect(chatshipperMatrixPolicy.can(guest, 'update', ownUser(), 'roles')).toBe(true);
    expect(() => chatshipperMatrixPolicy.authorize(guest, 'update', ownUser(), ['email', 'role.x'])).toThrow(ScopeladderError);
  });
});

describe('the self value is read once', () => {
  function flipping(): object {
    let reads = 0;
    return subject('User', {
      get id(): unknown {
        reads += 1;
        return reads === 1 ? {} : SELF;
      },
    });
  }

  it('decides on the first read, as plain CASL does', () => {
    const casl = createMongoAbility(chatshipperMatrixPolicy.rulesFor(guest));
    expect(casl.can('update', flipping() as never)).toBe(false);
    expect(chatshipperMatrixPolicy.can(guest, 'update', flipping() as never)).toBe(false);
    expect(chatshipperMatrixPolicy.can(guest, 'update', flipping() as never, 'email')).toBe(false);
    expect(chatshipperMatrixPolicy.abilityFor(guest).can('update', flipping() as never)).toBe(false);
    expect(chatshipperMatrixPolicy.explain(guest, 'update', flipping() as never).allowed).toBe(false);
  });
});

describe('shared CASL rules', () => {
  it('cannot be changed through one principal to affect another', () => {
    const p = { id: 'p-1', scopes: ['guest'] };
    const q = { id: 'p-2', scopes: ['guest'] };
    const nobody = { id: '', scopes: ['guest'] };
    const before = chatshipperMatrixPolicy.abilityFor(q).rules.length;
    const beforeShared = chatshipperMatrixPolicy.abilityFor(nobody).rules.length;
    const extra = { action: 'delete', subject: 'User' } as never;
    for (const who of [p, nobody]) {
      const rules = chatshipperMatrixPolicy.abilityFor(who).rules as unknown[];
      try {
        rules.push(extra);
      } catch {
        // a frozen array: fine
      }
    }
    expect(chatshipperMatrixPolicy.abilityFor(q).rules.length).toBe(before);
    expect(chatshipperMatrixPolicy.abilityFor(nobody).rules.length).toBe(beforeShared);
    expect(chatshipperMatrixPolicy.abilityFor({ id: '', scopes: ['guest'] }).rules).not.toContain(extra);
    expect(Object.isFrozen(chatshipperMatrixPolicy.abilityFor(p).rules)).toBe(true);
  });
});

describe('definePolicy aliases', () => {
  const policy = definePolicy({
    scopes: ['reader', 'owner'],
    aliases: { viewer: 'reader' },
    matrix: { Doc: { read: 'reader', delete: 'owner' } },
  } as const);

  it('gives a principal holding an alias exactly its scope’s ability', () => {
    expect(policy.can({ id: 'a', scopes: ['viewer'] }, 'read', 'Doc')).toBe(true);
    expect(policy.can({ id: 'a', scopes: ['viewer'] }, 'delete', 'Doc')).toBe(false);
    expect(policy.ladder.canonical('viewer')).toBe('reader');
    expect(chatshipperMatrixPolicy.can({ id: 'a', scopes: ['viewer'] }, 'fetch', 'Conversation')).toBe(
      chatshipperMatrixPolicy.can({ id: 'a', scopes: ['guest'] }, 'fetch', 'Conversation'),
    );
  });

  it('refuses an alias in the matrix, and aliases beside a Ladder', () => {
    expect(() => definePolicy({ scopes: ['reader', 'owner'], aliases: { viewer: 'reader' }, matrix: { Doc: { read: 'viewer' } } } as never)).toThrow(
      /"viewer" is not a scope of the ladder/,
    );
    expect(() =>
      definePolicy({ scopes: defineLadder(['reader']), aliases: { viewer: 'reader' }, matrix: { Doc: { read: 'reader' } } } as never),
    ).toThrow(/aliases/);
  });
});
