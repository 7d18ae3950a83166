// Each test here pins down a "no" that a surviving mutant once turned into a "yes" without any
// test noticing (issue "Test strength"): store failures thrown synchronously, the memory store's
// sweeps, expired cached tokens, a refresh record that names another user, our own claim checks
// and their boundaries, and the cache fast path's scheme check.
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './create-memory-store.js';
import type { TokenStore } from './store.js';
import { HS_HEADER, IDS, PASSWORD, claims, expectCode, hmacJwt, setup, T0 } from './test-fixtures.js';

const HOUR = 3_600_000;
/** The memory store's periodic sweep runs every 1 000 writes. */
const SWEEP_EVERY = 1_000;

/** A real memory store with one method replaced: for failures no healthy store produces. */
function storeWith(overrides: Partial<TokenStore>): TokenStore {
  const store = createMemoryStore();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof TokenStore];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('revocation lookups that throw synchronously', () => {
  for (const method of ['isFamilyRevoked', 'isAccessTokenRevoked'] as const) {
    it(`${method} throwing (not rejecting) fails closed with ERR_STORE_UNAVAILABLE, on a cache miss and a cache hit`, async () => {
      let broken = false;
      const healthy = createMemoryStore();
      const store = new Proxy(healthy, {
        get(target, property, receiver) {
          if (property === method && broken) {
            return () => {
              throw new Error('connection lost');
            };
          }
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const { auth } = await setup({ store });
      const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
      await auth.authenticate(`Bearer ${token}`); // cached
      broken = true;
      await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_STORE_UNAVAILABLE');
      await expectCode(auth.authenticate([`Bearer ${token}`]), 'ERR_STORE_UNAVAILABLE');
      const uncached = await setup({ store, verifiedTokenCacheSize: 0 });
      broken = false;
      const second = await uncached.auth.login({ email: 'admin@example.com', password: PASSWORD });
      broken = true;
      await expectCode(uncached.auth.authenticate(`Bearer ${second.token}`), 'ERR_STORE_UNAVAILABLE');
    });
  }
});

describe('the memory store sweeps only what has expired', () => {
  it('keeps running throttle counters, revocations and refresh tokens through a periodic sweep', async () => {
    const store = createMemoryStore();
    const now = T0;
    const counter = await store.hit('login:email:x', 15 * 60_000, now);
    await store.revokeFamily('family-1', now + HOUR);
    await store.revokeAccessToken('jti-1', now + HOUR);
    const live = { digest: 'a'.repeat(64), userId: IDS.admin, familyId: 'family-2', expiresAt: now + HOUR };
    await store.saveRefreshToken(live);
    for (let i = 0; i < SWEEP_EVERY + 1; i += 1) await store.revokeAccessToken(`filler-${i}`, now + HOUR);
    expect(await store.peek('login:email:x', now)).toEqual(counter);
    expect(await store.isFamilyRevoked('family-1', now)).toBe(true);
    expect(await store.isAccessTokenRevoked('jti-1', now)).toBe(true);
    expect(await store.findRefreshToken(live.digest)).toEqual(live);
  });

  it('a call with a non-finite `now` does not make the next sweep purge live revocations', async () => {
    const store = createMemoryStore();
    const now = T0;
    await store.revokeFamily('family-1', now + HOUR);
    await store.hit('login:email:x', 15 * 60_000, now);
    for (const odd of [Number.POSITIVE_INFINITY, Number.NaN]) {
      await store.isFamilyRevoked('family-1', odd).catch(() => undefined);
      await store.isAccessTokenRevoked('jti', odd).catch(() => undefined);
      await store.peek('login:email:x', odd).catch(() => undefined);
    }
    for (let i = 0; i < SWEEP_EVERY + 1; i += 1) await store.revokeAccessToken(`filler-${i}`, now + HOUR);
    expect(await store.isFamilyRevoked('family-1', now)).toBe(true);
    expect(await store.peek('login:email:x', now)).not.toBeNull();
  });
});

describe('an expired token in the verified-token cache', () => {
  it('is refused as expired however the header arrives: a string or a one-element array', async () => {
    const { auth, clock } = await setup({ accessTokenTtl: '1h' });
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    await auth.authenticate(`Bearer ${token}`);
    await auth.authenticate([`Bearer ${token}`]);
    clock.advance(HOUR + 10_000);
    await expectCode(auth.authenticate([`Bearer ${token}`]), 'ERR_TOKEN_EXPIRED');
    await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_EXPIRED');
    await expectCode(auth.authenticate([`bearer ${token}`]), 'ERR_TOKEN_EXPIRED');
  });
});

describe('a refresh record that names another user', () => {
  it('is refused: the stored record must belong to the user the refresh token names', async () => {
    const healthy = createMemoryStore();
    const store = storeWith({
      async findRefreshToken(digest) {
        const record = await healthy.findRefreshToken(digest);
        return record === null ? null : { ...record, userId: IDS.agent };
      },
      rotateRefreshToken: healthy.rotateRefreshToken.bind(healthy),
      saveRefreshToken: healthy.saveRefreshToken.bind(healthy),
    });
    const { auth } = await setup({ store });
    const { refreshToken } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    await expectCode(auth.refresh(refreshToken), 'ERR_REFRESH_INVALID');
  });
});

describe('our own claim checks beyond jose, at their boundaries', () => {
  const iat = Math.floor(T0 / 1000);
  const sign = (overrides: Record<string, unknown>) => `Bearer ${hmacJwt(HS_HEADER, claims(T0, overrides))}`;

  it('exp must be after iat', async () => {
    const { auth } = await setup();
    await expectCode(auth.authenticate(sign({ exp: iat })), 'ERR_TOKEN_INVALID');
    await expectCode(auth.authenticate(sign({ exp: iat - 1 })), 'ERR_TOKEN_INVALID');
    const ok = await auth.authenticate(sign({ exp: iat + 60 }));
    expect(ok.principal.id).toBe(IDS.admin);
  });

  it('email: at most 320 characters, and a string', async () => {
    const { auth } = await setup();
    const local = (length: number) => `${'a'.repeat(length - '@example.com'.length)}@example.com`;
    expect((await auth.authenticate(sign({ email: local(320), jti: 'e'.repeat(32) }))).principal.email).toHaveLength(320);
    await expectCode(auth.authenticate(sign({ email: local(321), jti: 'f'.repeat(32) })), 'ERR_TOKEN_INVALID');
    await expectCode(auth.authenticate(sign({ email: 42, jti: 'g'.repeat(32) })), 'ERR_TOKEN_INVALID');
  });

  it('sub, jti, sid and org: non-empty strings of at most 256 characters', async () => {
    const { auth } = await setup({ verifiedTokenCacheSize: 0 });
    for (const claim of ['sub', 'jti', 'sid', 'org'] as const) {
      const accepted = await auth.authenticate(sign({ [claim]: 'x'.repeat(256) }));
      expect(accepted.token.kind).toBe('jwt');
      await expectCode(auth.authenticate(sign({ [claim]: 'x'.repeat(257) })), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(sign({ [claim]: '' })), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(sign({ [claim]: 7 })), 'ERR_TOKEN_INVALID');
    }
  });
});

describe('the cache fast path checks the scheme letter by letter', () => {
  it('a cached token under any other six-letter scheme is not accepted', async () => {
    const { auth } = await setup();
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    await auth.authenticate(`Bearer ${token}`); // now cached
    const bearer = 'Bearer';
    for (let i = 0; i < bearer.length; i += 1) {
      for (const replacement of ['X', 'x', '_', '\u0000']) {
        const scheme = `${bearer.slice(0, i)}${replacement}${bearer.slice(i + 1)}`;
        const error = await auth.authenticate(`${scheme} ${token}`).then(
          () => null,
          (caught: unknown) => caught as { code?: string },
        );
        expect(error?.code, `scheme ${JSON.stringify(scheme)}`).toMatch(/^ERR_AUTH_(SCHEME|MALFORMED)$/);
      }
    }
    await expectCode(auth.authenticate(`Bearer\u0000${token}`), 'ERR_AUTH_MALFORMED');
    for (const scheme of ['BEARER', 'bearer', 'bEaReR']) expect((await auth.authenticate(`${scheme} ${token}`)).principal.id).toBe(IDS.admin);
  });
});
