// Tests for mutants of operations/authenticate.ts that survived the tokens tests once the
// verified-token cache fast path and the quiet (no diagnostics subscriber) path came in (issue
// "Test strength"): each fails with its mutant applied. See docs/testing.md, "tokens".
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { chatshipperTenantPolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { AUTHENTICATE_CHANNEL } from './diagnostics/channels.js';
import type { AuthenticateMessage } from './diagnostics/messages.js';
import { createMemoryStore } from './create-memory-store.js';
import type { ApiKeyCache } from './store.js';
import { IDS, PASSWORD, T0, expectCode, fakeClock, setup } from './test-fixtures.js';

const policy = chatshipperTenantPolicy;
const HOUR_S = 3_600;
/** The default clock tolerance, in seconds. */
const TOLERANCE_S = 5;
/** When a token issued at T0 with a 1 h ttl stops being accepted: (exp + tolerance) seconds. */
const EXPIRY = T0 + (HOUR_S + TOLERANCE_S) * 1000;

describe('the verified-token cache answers until the very end of the token', () => {
  it('a token used again one millisecond before it expires is answered from the cache (the same verified session)', async () => {
    const { auth, clock } = await setup({ policy, accessTokenTtl: '1h' });
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const first = await auth.authenticate(`Bearer ${token}`);
    clock.set(EXPIRY - 1);
    const again = await auth.authenticate(`Bearer ${token}`);
    // Not verified again: the very principal and ability the first call derived.
    expect(again.principal).toBe(first.principal);
    expect(again.ability).toBe(first.ability);
    clock.set(EXPIRY);
    await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_EXPIRED');
  });

  it('an entry found expired is dropped: after the clock is set back, the token is checked in full again', async () => {
    const { auth, clock } = await setup({ policy, accessTokenTtl: '1h' });
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    await auth.authenticate(`Bearer ${token}`); // cached
    // As an array (the header sent once, as some frameworks hand it over): the full path looks
    // the token up in the cache, finds it expired, and must drop it.
    clock.set(EXPIRY);
    await expectCode(auth.authenticate([`Bearer ${token}`]), 'ERR_TOKEN_EXPIRED');
    // The clock set back to before the token was issued: the full check refuses a token issued
    // in the future; a stale cache entry would still have answered.
    clock.set(T0 - (TOLERANCE_S + 1) * 1000);
    await expectCode(auth.authenticate([`Bearer ${token}`]), 'ERR_TOKEN_INVALID');
    await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_INVALID');
  });
});

describe('a clock that fails on a cache hit fails the request (fail closed)', () => {
  it('ERR_INTERNAL, and the clock is not asked a second time', async () => {
    const fake = fakeClock();
    let calls = 0;
    let glitch = false;
    const clock = (): number => {
      calls += 1;
      if (glitch) {
        glitch = false;
        return Number.NaN;
      }
      return fake();
    };
    const { auth } = await setup({ policy, clock });
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    await auth.authenticate(`Bearer ${token}`); // cached
    calls = 0;
    glitch = true;
    await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_INTERNAL');
    expect(calls).toBe(1);
    // The next request, with a working clock, is answered again.
    expect((await auth.authenticate(`Bearer ${token}`)).principal.id).toBe(IDS.admin);
  });
});

describe('a value the ApiKeyCache hands back is used only when it is a whole answer of this service', () => {
  /**
   * A store whose ApiKeyCache remembers what the service sets, but hands back `tamper(value)`: as
   * a faulty or corrupting local view could, keeping the owner tag of the service.
   */
  function tamperingStore(tamper: (remembered: { owner: unknown; result: unknown }) => unknown) {
    const memory = createMemoryStore();
    const entries = new Map<string, { owner: unknown; result: unknown }>();
    let gets = 0;
    const apiKeyCache: ApiKeyCache = {
      ticket: () => 1,
      get: (digest) => {
        const remembered = entries.get(digest);
        if (remembered === undefined) return undefined;
        gets += 1;
        return tamper(remembered);
      },
      set: (_ticket, digest, _userId, value) => {
        entries.set(digest, value as { owner: unknown; result: unknown });
      },
    };
    return { store: { ...memory, apiKeyCache }, gets: () => gets };
  }

  const evil = Object.freeze({ id: 'evil', scopes: ['admin'], kind: 'bot' as const });
  const cases: readonly (readonly [string, (remembered: { owner: unknown; result: unknown }) => unknown])[] = [
    ['null', () => null],
    ['a tagged value with no result', ({ owner }) => ({ owner })],
    ['a tagged value whose result is null', ({ owner }) => ({ owner, result: null })],
    ['a result whose principal is not an object', ({ owner }) => ({ owner, result: { principal: 'evil', token: { kind: 'apiKey', keyId: 'k' } } })],
    ['a result with no token', ({ owner }) => ({ owner, result: { principal: evil } })],
    ['a result whose token is not an API key', ({ owner }) => ({ owner, result: { principal: evil, token: { kind: 'jwt' } } })],
  ];

  for (const [what, tamper] of cases) {
    it(`ignores ${what}: the key is checked against the store, as the bot`, async () => {
      const { store, gets } = tamperingStore(tamper);
      const { auth } = await setup({ policy, store });
      const { apiKey, id } = await auth.createApiKey(IDS.bot, ['bot']);
      expect((await auth.authenticate(`Bearer ${apiKey}`)).principal.id).toBe(IDS.bot); // remembered
      const again = await auth.authenticate(`Bearer ${apiKey}`);
      expect(gets()).toBe(1);
      expect(again.principal).toMatchObject({ id: IDS.bot, kind: 'bot', scopes: ['bot'] });
      expect(again.token).toEqual({ kind: 'apiKey', keyId: id });
    });
  }
});

describe('scopeladder:authenticate on the cache fast path: one message per call, the same as the full path', () => {
  it('accepted (string and array header), revoked and expired cached tokens', async () => {
    const { auth, clock } = await setup({ policy, accessTokenTtl: '1h' });
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const other = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const messages: AuthenticateMessage[] = [];
    const onMessage = (message: unknown): void => void messages.push(message as AuthenticateMessage);
    subscribe(AUTHENTICATE_CHANNEL, onMessage);
    try {
      const first = await auth.authenticate(`Bearer ${token}`); // first sight
      await auth.authenticate(`Bearer ${token}`); // cached
      await auth.authenticate([`Bearer ${token}`]); // cached, through the full path
      await auth.authenticate(`Bearer ${other.token}`); // first sight
      await auth.logout(token);
      await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED');
      clock.set(EXPIRY);
      await expectCode(auth.authenticate(`Bearer ${other.token}`), 'ERR_TOKEN_EXPIRED');
      const accepted = {
        version: 1,
        ok: true,
        credential: 'jwt',
        code: null,
        principalId: IDS.admin,
        principalKind: 'user',
        organization: first.principal.organization,
        sessionId: first.token.kind === 'jwt' ? first.token.familyId : 'not a jwt',
        keyId: null,
        durationMs: expect.any(Number),
      };
      const refused = {
        version: 1,
        ok: false,
        credential: 'jwt',
        principalId: null,
        principalKind: null,
        organization: null,
        sessionId: null,
        keyId: null,
      };
      expect(messages).toEqual([
        accepted,
        accepted,
        accepted,
        { ...accepted, sessionId: expect.not.stringMatching(`^${accepted.sessionId}$`) },
        { ...refused, code: 'ERR_TOKEN_REVOKED', durationMs: expect.any(Number) },
        { ...refused, code: 'ERR_TOKEN_EXPIRED', durationMs: expect.any(Number) },
      ]);
    } finally {
      unsubscribe(AUTHENTICATE_CHANNEL, onMessage);
    }
  });
});
