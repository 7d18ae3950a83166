// Details of a decision that mutation testing (docs/testing.md) found no test pinning down: each
// test here fails with one surviving mutant of decide.ts, policy.ts, tenancy.ts or filter.ts
// applied. Written at the public API.
import { describe, expect, it } from 'vitest';
import { subject, type Principal } from './index.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

const policy = chatshipperMatrixPolicy;
const ID = '64b7f0c2a1e4d3b2c1a09f8e';

describe('a principal holding several scopes', () => {
  it('ranks by its highest known scope, wherever it is in the list', () => {
    for (const scopes of [
      ['admin', 'guest'],
      ['admin', 'no-such-scope'],
      ['guest', 'admin', 'agent'],
    ]) {
      const principal: Principal = { id: ID, scopes };
      expect(policy.can(principal, 'delete', 'Organization')).toBe(true);
      expect(policy.explain(principal, 'delete', 'Organization').allowed).toBe(true);
      expect(policy.filterFor(principal, 'list', 'User').kind).toBe('all');
    }
  });
});

describe('what a denial echoes', () => {
  const guest: Principal = { id: ID, scopes: ['guest'] };
  const long = (char: string) => char.repeat(200);

  it('echoes the action, the subject and the field cut to 128 characters', () => {
    const unknownAction = policy.explain(guest, long('a') as never, 'Organization');
    expect(unknownAction.reason).toBe('unknown_action');
    expect(unknownAction.action).toBe('a'.repeat(128));
    const unknownSubject = policy.explain(guest, 'fetch', long('S') as never, long('f'));
    expect(unknownSubject.reason).toBe('unknown_subject');
    expect(unknownSubject.subject).toBe('S'.repeat(128));
    expect(unknownSubject.field).toBe('f'.repeat(128));
    const insufficient = policy.explain(guest, 'delete', 'Organization', long('f'));
    expect(insufficient.reason).toBe('insufficient_scope');
    expect(insufficient.field).toBe('f'.repeat(128));
  });

  it('echoes a non-string action as an empty string, and no field when none was given', () => {
    const decision = policy.explain(guest, ['delete'] as never, 'Organization');
    expect(decision.action).toBe('');
    expect('field' in decision).toBe(false);
    expect('field' in policy.explain(guest, 'delete', 'Organization')).toBe(false);
  });

  it('a target of no type echoes an empty subject', () => {
    for (const target of [5, null, undefined, true]) {
      const decision = policy.explain(guest, 'fetch', target as never);
      expect(decision).toMatchObject({ allowed: false, subject: '', reason: 'unknown_subject' });
    }
  });

  it('an empty field is no field', () => {
    const admin: Principal = { id: ID, scopes: ['admin'] };
    expect('field' in policy.explain(admin, 'delete', 'Organization', '')).toBe(false);
    expect('field' in policy.explain(guest, 'delete', 'Organization', '')).toBe(false);
  });

  it('an allowed decision carries the field as given', () => {
    const admin: Principal = { id: ID, scopes: ['admin'] };
    expect(policy.explain(admin, 'delete', 'Organization', long('f')).field).toBe(long('f'));
  });
});

describe('grantedBy and conditional', () => {
  it('grantedBy is the lowest held scope that suffices', () => {
    const organization = (scopes: string[]) => policy.explain({ id: ID, scopes }, 'fetch', 'Organization').grantedBy;
    expect(organization(['admin', 'bot', 'guest'])).toBe('bot');
    expect(organization(['bot'])).toBe('bot');
    expect(organization(['bot', 'admin'])).toBe('bot');
    expect(organization(['guest', 'admin'])).toBe('admin');
    expect(organization(['admin', 'admin'])).toBe('admin');
  });

  it('a scopes getter that changes between reads never makes explain throw; grantedBy is then null', () => {
    for (const later of [5, [], ['no-such-scope']]) {
      let reads = 0;
      const shifty = {
        id: ID,
        get scopes(): unknown {
          reads += 1;
          return reads === 1 ? ['admin'] : later;
        },
      } as unknown as Principal;
      const decision = policy.explain(shifty, 'fetch', 'Organization');
      expect(decision.allowed).toBe(true);
      expect(decision.grantedBy).toBeNull();
      expect(reads).toBe(2);
    }
  });

  it('an allow through the self grant is conditional; through the any grant it is not', () => {
    const own = subject('User', { id: ID });
    const guest = policy.explain({ id: ID, scopes: ['guest'] }, 'update', own, 'email');
    expect(guest).toMatchObject({ allowed: true, grantedBy: 'guest', requiredScope: 'guest', conditional: true });
    const admin = policy.explain({ id: ID, scopes: ['admin'] }, 'update', own, 'email');
    expect(admin).toMatchObject({ allowed: true, grantedBy: 'admin', requiredScope: 'guest', conditional: false });
  });
});

describe('a self-only list filter on records it cannot read', () => {
  const guestFilter = () => policy.filterFor({ id: ID, scopes: ['guest'] }, 'fetch', 'User');

  it('matches() answers exactly false (never another falsy value) for a self value CASL cannot compare', () => {
    const { proxy, revoke } = Proxy.revocable<object>([], {});
    revoke(); // Array.isArray(proxy) now throws, inside CASL's matcher
    const filter = guestFilter();
    expect(filter.kind).toBe('condition');
    expect(filter.matches({ id: proxy })).toBe(false);
    expect(policy.can({ id: ID, scopes: ['guest'] }, 'fetch', subject('User', { id: proxy }))).toBe(false);
  });
});

describe('the reason of a denial', () => {
  it('a known scope that is too low is insufficient_scope, even the lowest one', () => {
    expect(policy.explain({ id: ID, scopes: ['guest'] }, 'delete', 'Organization').reason).toBe('insufficient_scope');
  });

  it('no known scope is no_known_scope, even on a protected field of the own record', () => {
    const own = subject('User', { id: ID });
    expect(policy.explain({ id: ID, scopes: [] }, 'update', own, 'role').reason).toBe('no_known_scope');
    expect(policy.explain({ id: ID, scopes: ['guest'] }, 'update', own, 'role').reason).toBe('field_not_permitted');
  });
});
