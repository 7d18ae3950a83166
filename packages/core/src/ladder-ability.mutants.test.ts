// The fast path of `abilityFor()` at its edges: mutation testing (docs/testing.md) found no test
// pinning these down. Each test fails with one surviving mutant of lib/ladder-ability.ts applied.
// Written at the public API, with an explicit policy.
import { describe, expect, it } from 'vitest';
import { definePolicy, subject, type Principal } from './index.js';

const matrix = { Doc: { read: 'reader', edit: { any: 'owner', self: 'writer' }, purge: null } } as const;
const fields = { Doc: { edit: { protected: ['owner'] } } } as const;
const scopes = ['reader', 'writer', 'owner'] as const;
const policy = definePolicy({ scopes, matrix, fields });
const tenant = definePolicy({ scopes, matrix, fields, tenancy: {} });

const ID = 'u1';
const writer: Principal = { id: ID, scopes: ['writer'] };
const owner: Principal = { id: ID, scopes: ['owner'] };
const own = () => subject('Doc', { id: ID, organizationPath: 'r1' });
const other = () => subject('Doc', { id: 'u2', organizationPath: 'r1' });

describe('can()', () => {
  it('a type target: all, self only (with an id), or nothing', () => {
    expect(policy.abilityFor(owner).can('edit', 'Doc')).toBe(true);
    expect(policy.abilityFor(writer).can('edit', 'Doc')).toBe(true);
    expect(policy.abilityFor({ scopes: ['writer'] } as never).can('edit', 'Doc')).toBe(false);
    expect(policy.abilityFor({ scopes: ['owner'] } as never).can('edit', 'Doc')).toBe(true);
    expect(policy.abilityFor(writer).can('purge', 'Doc')).toBe(false);
    expect(policy.abilityFor(owner).can('purge', 'Doc')).toBe(false);
    expect(policy.abilityFor(owner).can('nope' as never, 'Doc')).toBe(false);
    expect(policy.abilityFor(owner).can('read', 'Nope' as never)).toBe(false);
  });

  it('a field with a line terminator is refused, even past a protected name', () => {
    for (const field of ['owner\nx', 'title\r', 'a\u2028b']) {
      expect(policy.abilityFor(writer).can('edit', own(), field)).toBe(false);
      expect(policy.abilityFor(owner).can('edit', other(), field)).toBe(false);
      expect(policy.abilityFor(owner).can('edit', 'Doc', field)).toBe(false);
    }
    expect(policy.abilityFor(writer).can('edit', own(), 'title')).toBe(true);
    expect(policy.abilityFor(writer).can('edit', own(), 'owner')).toBe(false);
    expect(policy.abilityFor(writer).can('edit', own(), '')).toBe(true);
  });

  it('an instance: the self rule, and a self field that throws is denied', () => {
    expect(policy.abilityFor(writer).can('edit', own())).toBe(true);
    expect(policy.abilityFor(writer).can('edit', other())).toBe(false);
    expect(policy.abilityFor(owner).can('edit', other())).toBe(true);
    expect(policy.abilityFor(owner).can('nope' as never, other())).toBe(false);
    const throwing = subject(
      'Doc',
      Object.defineProperty({}, 'id', {
        get() {
          throw new Error('boom');
        },
      }),
    );
    expect(policy.abilityFor(writer).can('edit', throwing)).toBe(false);
    expect(policy.abilityFor(writer).cannot('edit', throwing)).toBe(true);
    expect(policy.abilityFor(writer).cannot('edit', own())).toBe(false);
  });

  it('with tenancy: only records within reach', () => {
    const member: Principal = { id: ID, scopes: ['owner'], organizationPath: 'r1' };
    expect(tenant.abilityFor(member).can('edit', other())).toBe(true);
    expect(tenant.abilityFor(member).can('edit', subject('Doc', { id: 'u2', organizationPath: 'r2' }))).toBe(false);
    expect(tenant.abilityFor({ ...member, organizationPath: 'r1#c1' }).can('edit', other())).toBe(false);
  });
});

describe('canEvery()', () => {
  it('only an unconditional grant, for a type or an instance', () => {
    expect(policy.abilityFor(owner).canEvery('edit', 'Doc')).toBe(true);
    expect(policy.abilityFor(owner).canEvery('edit', own() as never)).toBe(true);
    expect(policy.abilityFor(writer).canEvery('edit', 'Doc')).toBe(false);
    expect(policy.abilityFor(owner).canEvery('purge', 'Doc')).toBe(false);
    expect(policy.abilityFor(owner).canEvery('nope' as never, 'Doc')).toBe(false);
    expect(policy.abilityFor(owner).canEvery('edit', 5 as never)).toBe(false);
  });

  it('refuses an action or field that is not a string, and a field with a line terminator', () => {
    expect(policy.abilityFor(owner).canEvery(['edit'] as never, 'Doc')).toBe(false);
    expect(policy.abilityFor(owner).canEvery('edit', 'Doc', 42 as never)).toBe(false);
    expect(policy.abilityFor(owner).canEvery('edit', 'Doc', 'a\nb')).toBe(false);
    expect(policy.abilityFor(owner).canEvery('edit', 'Doc', 'title')).toBe(true);
    expect(policy.abilityFor(owner).canEvery('edit', 'Doc', '')).toBe(true);
  });
});

describe('what is delegated to CASL', () => {
  it('rulesFor() and possibleRulesFor() hand out fresh conditions; rules without conditions as they are', () => {
    const ability = policy.abilityFor(writer);
    const [first] = ability.rulesFor('edit', 'Doc') as unknown as { conditions?: Record<string, unknown> }[];
    expect(first?.conditions).toEqual({ id: ID });
    (first?.conditions as Record<string, unknown>)['id'] = 'tampered';
    expect((ability.rulesFor('edit', 'Doc')[0] as { conditions?: unknown }).conditions).toEqual({ id: ID });
    const [possible] = ability.possibleRulesFor('edit', 'Doc') as unknown as { conditions?: Record<string, unknown> }[];
    (possible?.conditions as Record<string, unknown>)['id'] = 'tampered';
    expect(ability.can('edit', own())).toBe(true);
    const unconditional = ability.rulesFor('read', 'Doc')[0];
    expect(unconditional).toMatchObject({ action: 'read', subject: 'Doc', conditions: undefined });
    expect(ability.rulesFor('read', 'Doc')[0]).toBe(unconditional);
  });

  it('update() is refused, saying why', () => {
    expect(() => policy.abilityFor(writer).update([])).toThrow(
      new TypeError(
        'scopeladder: abilities from a policy are cached and shared, so they cannot be updated; build a separate one with createMongoAbility(policy.rulesFor(principal))',
      ),
    );
  });

  it('a check the fast path does not answer goes to CASL', () => {
    expect(policy.abilityFor(owner).can('read', { id: 'x' } as never)).toBe(false);
    expect(policy.abilityFor(owner).relevantRuleFor('edit', 'Doc')).toMatchObject({ action: 'edit', subject: 'Doc' });
    expect(policy.abilityFor(owner).actionsFor('Doc').sort()).toEqual(['edit', 'read']);
  });
});

describe('edges found by the Stryker run of lib/ladder-ability.ts', () => {
  it('canEvery() of a target without a type is false, even with a resource named "undefined"', () => {
    const odd = definePolicy({ scopes, matrix: { undefined: { read: 'reader' }, Doc: { read: 'reader' } } });
    const ability = odd.abilityFor({ id: ID, scopes: ['owner'] });
    expect(ability.canEvery('read', 'undefined')).toBe(true);
    for (const target of [5, {}, null, undefined, Symbol('x')]) expect(ability.canEvery('read', target as never)).toBe(false);
  });

  it('the CASL ability behind an id-less principal is built once: rules and relevant rules stay the same objects', () => {
    const ability = policy.abilityFor({ scopes: ['writer'] } as never);
    const rules = ability.rules;
    expect(rules.length).toBeGreaterThan(0);
    expect(ability.rules).toBe(rules);
    expect(ability.relevantRuleFor('read', 'Doc')).toBe(ability.relevantRuleFor('read', 'Doc'));
  });
});
