// Each test here pins down a "no" that a surviving mutant once turned into a "yes" without any
// test noticing (issue "Test strength"): the type guards on actions and scopes, principals
// without an id, empty field lists, throwing getters, and the headers of error answers. They are
// written at the public API, so a refactor that reopens any of them fails here.
import { describe, expect, it } from 'vitest';
import { createMongoAbility, httpErrorFor, isScopeladderError, ScopeladderError, subject, type PolicyTarget, type Principal } from './index.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

const policy = chatshipperMatrixPolicy;
const ID = '64b7f0c2a1e4d3b2c1a09f8e';
const admin: Principal = { id: ID, scopes: ['admin'] };
const guest: Principal = { id: ID, scopes: ['guest'] };
/** Principals a self rule can never anchor on: no id, an empty id, a non-string id. */
const idless: readonly Principal[] = [
  { scopes: ['guest'] } as unknown as Principal,
  { id: '', scopes: ['guest'] },
  { id: null, scopes: ['guest'] } as unknown as Principal,
  { id: 42, scopes: ['guest'] } as unknown as Principal,
];
/** Records a `{ id: null }` self condition would match in CASL. */
const idlessUsers = () => [subject('User', {}), subject('User', { id: null }), subject('User', { id: undefined })];

function denialOf(run: () => void): ScopeladderError {
  try {
    run();
  } catch (error) {
    if (isScopeladderError(error)) return error;
    throw error;
  }
  throw new Error('expected a denial, but it was allowed');
}

describe('authorize with an empty field list', () => {
  it('still checks the action itself: [] is "no field", never "nothing to check"', () => {
    expect(denialOf(() => policy.authorize(guest, 'delete', 'Organization', [])).code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(denialOf(() => policy.authorize(guest, 'update', subject('User', { id: 'someone-else' }), [])).code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(() => policy.authorize(admin, 'delete', 'Organization', [])).not.toThrow();
  });
});

describe('principals without a usable id', () => {
  it('get no self rule: their rules carry no condition, and CASL grants them no id-less record', () => {
    for (const principal of idless) {
      const rules = policy.rulesFor(principal);
      expect(rules.some((rule) => rule.conditions !== undefined)).toBe(false);
      const ability = createMongoAbility(rules);
      for (const record of idlessUsers()) {
        expect(ability.can('update', record)).toBe(false);
        expect(ability.can('fetch', record)).toBe(false);
      }
    }
  });

  it('may not update or fetch a User record that has no id (can, canEvery, abilityFor, authorize)', () => {
    for (const principal of idless) {
      for (const record of idlessUsers()) {
        expect(policy.can(principal, 'update', record)).toBe(false);
        expect(policy.can(principal, 'fetch', record)).toBe(false);
        expect(policy.abilityFor(principal).can('update', record)).toBe(false);
        expect(() => policy.authorize(principal, 'update', record)).toThrow(ScopeladderError);
      }
      expect(policy.can(principal, 'update', 'User')).toBe(false);
      expect(policy.canEvery(principal, 'update', 'User')).toBe(false);
    }
  });

  it('explain() says no, for the type and for id-less records', () => {
    for (const principal of idless) {
      expect(policy.explain(principal, 'update', 'User').allowed).toBe(false);
      expect(policy.explain(principal, 'fetch', 'User').allowed).toBe(false);
      for (const record of idlessUsers()) expect(policy.explain(principal, 'update', record).allowed).toBe(false);
    }
  });
});

describe('actions that are not strings', () => {
  // A one-element array becomes the key "delete" when used as a property name.
  const actions = [['delete'], ['list'], { toString: () => 'delete' }] as unknown as 'delete'[];

  it('are denied by can, canEvery, explain and authorize, even for admin', () => {
    for (const action of actions) {
      expect(policy.can(admin, action, 'Organization')).toBe(false);
      expect(policy.can(admin, action, subject('Organization', { id: 'x' }))).toBe(false);
      expect(policy.canEvery(admin, action, 'Organization')).toBe(false);
      const decision = policy.explain(admin, action, 'Organization');
      expect(decision.allowed).toBe(false);
      expect(decision.reason).toBe('unknown_action');
      expect(() => policy.authorize(admin, action, 'Organization')).toThrow(ScopeladderError);
      expect(policy.abilityFor(admin).can(action, 'Organization')).toBe(false);
    }
  });
});

describe('scopes that only look like real ones', () => {
  const lookalikes = [
    [['admin']],
    ['Admin'],
    ['admin '],
    [' admin'],
    ['ADMIN'],
    [{ toString: () => 'admin' }],
    ['admin\u0000'],
    // eslint-disable-next-line no-new-wrappers
    [new String('admin')],
  ];

  it('grant nothing: not admin, not any scope', () => {
    for (const scopes of lookalikes) {
      const principal = { id: ID, scopes } as unknown as Principal;
      expect(policy.can(principal, 'delete', 'Organization')).toBe(false);
      expect(policy.canEvery(principal, 'list', 'Conversation')).toBe(false);
      expect(policy.can(principal, 'fetch', subject('User', { id: ID }))).toBe(false);
      expect(policy.explain(principal, 'delete', 'Organization').allowed).toBe(false);
      expect(policy.abilityFor(principal).can('delete', 'Organization')).toBe(false);
      expect(policy.rulesFor(principal)).toEqual([]);
    }
  });
});

describe('records whose fields throw when read', () => {
  const throwing = () =>
    subject(
      'User',
      Object.defineProperty({}, 'id', {
        enumerable: true,
        get() {
          throw new Error('getter exploded');
        },
      }),
    );
  /** A self value that throws on every operation CASL's matcher might try. */
  const hostileValue = () =>
    new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        getPrototypeOf() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
        has() {
          throw new Error('trap');
        },
        getOwnPropertyDescriptor() {
          throw new Error('trap');
        },
      },
    );

  it('are denied, never allowed and never a crash: can, explain, authorize, abilityFor', () => {
    for (const record of [throwing(), subject('User', { id: hostileValue() })]) {
      expect(policy.can(guest, 'update', record)).toBe(false);
      expect(policy.can(guest, 'fetch', record)).toBe(false);
      expect(policy.explain(guest, 'update', record).allowed).toBe(false);
      expect(policy.abilityFor(guest).can('update', record)).toBe(false);
      expect(() => policy.authorize(guest, 'update', record)).toThrow(ScopeladderError);
    }
  });
});

describe('error answers', () => {
  it('carry Retry-After only when the error says when to retry', () => {
    for (const error of [
      new ScopeladderError('ERR_FORBIDDEN', 'no'),
      new ScopeladderError('ERR_TOKEN_INVALID', 'no'),
      new ScopeladderError('ERR_INVALID_REQUEST', 'no'),
      new Error('boom'),
    ]) {
      const answer = httpErrorFor(error);
      expect(answer.headers).not.toHaveProperty('retry-after');
      expect(answer.body).not.toHaveProperty('retryAfter');
    }
    const throttled = httpErrorFor(new ScopeladderError('ERR_LOGIN_THROTTLED', 'wait', { retryAfter: 12.2 }));
    expect(throttled.headers['retry-after']).toBe('13');
  });

  it('are never cacheable, 500s included', () => {
    for (const error of [new Error('boom'), 'boom', null, new ScopeladderError('ERR_INTERNAL', 'x'), new ScopeladderError('ERR_FORBIDDEN', 'x')]) {
      expect(httpErrorFor(error).headers['cache-control']).toBe('no-store');
    }
  });
});

describe('a field that is not a string', () => {
  // policy.can() answers "no" for such a field; the ability must too, instead of throwing from
  // inside CASL (a 500 where a 403 belongs) — on every path: type name, tagged record, CASL record.
  const junkFields: readonly unknown[] = [42, true, {}, ['email'], Symbol('email'), () => 'email'];
  const targets = (): readonly PolicyTarget<'User'>[] => ['User', subject('User', { id: ID }), subject('User', { id: 'someone-else' })];

  it('is denied by abilityFor(p).can() and allowed by cannot(), as by policy.can()', () => {
    for (const principal of [admin, guest]) {
      const ability = policy.abilityFor(principal);
      for (const field of junkFields) {
        for (const target of targets()) {
          expect(policy.can(principal, 'update', target, field as string)).toBe(false);
          expect(ability.can('update', target, field as string)).toBe(false);
          expect(ability.cannot('update', target, field as string)).toBe(true);
        }
      }
    }
  });

  it('is denied for a plain (untagged) object the CASL ability must classify itself', () => {
    const ability = policy.abilityFor(admin);
    for (const field of junkFields) expect(ability.can('update', { id: ID } as never, field as string)).toBe(false);
  });
});
