/**
 * The one contract suite of `TokenStore` (`@scopeladder/tokens`), run against every implementation:
 * in this repository the in-memory store (test/store-contract/memory-store.test.ts) and
 * @scopeladder/redis (packages/redis/src/redis-store.test.ts); outside it, a user's own store.
 *
 * Times: every test uses a fake `now`, but built on the real clock (`t0 = Date.now()`), because
 * the contract lets a store purge records whose `expiresAt` has passed on its own clock (Redis
 * TTLs do). Records here expire hours after the real now, so nothing is purged mid-test, and
 * "after expiry" is reached by passing a later `now`, never by waiting.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord, RefreshTokenRecord, RotateRefreshResult, TokenStore } from '@scopeladder/tokens';
import { randomDigest } from './random-digest.js';

/**
 * What a factory hands the suite for one test.
 *
 * @example
 * ```ts
 * const fixture: StoreContractFixture = { store: createMemoryStore(), cleanup: async () => {} };
 * ```
 */
export interface StoreContractFixture {
  /** A fresh, empty store. */
  readonly store: TokenStore;
  /**
   * A second handle on the same state, as another server instance would have it (for Redis: a
   * store on a second connection with the same prefix). Defaults to `store`.
   */
  readonly peer?: TokenStore | undefined;
  /** Releases what the factory created (and deletes the test's data). */
  cleanup(): Promise<void>;
}

/**
 * Creates one fixture per test.
 *
 * @example
 * ```ts
 * const factory: StoreContractFactory = async () => ({ store: createMemoryStore(), cleanup: async () => {} });
 * ```
 */
export type StoreContractFactory = () => Promise<StoreContractFixture>;

const HOUR = 3_600_000;
const MINUTE = 60_000;

function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('hex');
}

function refreshRecord(overrides: Partial<RefreshTokenRecord> & { expiresAt: number }): RefreshTokenRecord {
  return { digest: randomDigest(), userId: randomId(), familyId: randomId(16), ...overrides };
}

/** The next token of the same family as `old`. */
function successor(old: RefreshTokenRecord, expiresAt: number): RefreshTokenRecord {
  return { digest: randomDigest(), userId: old.userId, familyId: old.familyId, expiresAt };
}

function apiKeyRecord(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    digest: randomDigest(),
    id: randomId(),
    userId: randomId(),
    scopes: ['bot', 'agent'],
    createdAt: Date.now(),
    ...overrides,
  };
}

function byId(a: ApiKeyRecord, b: ApiKeyRecord): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Registers the contract suite (vitest `describe`/`it` blocks) for one implementation of
 * `TokenStore`. Call it at the top level of a test file; `factory` runs before every test and
 * must hand out an empty store (or one under a fresh key prefix), and `cleanup` runs after it.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from '@scopeladder/tokens';
 * import { describeTokenStoreContract } from '@scopeladder/testing/store-contract';
 *
 * describeTokenStoreContract('memory store', async () => {
 *   const store = createMemoryStore();
 *   return { store, cleanup: async () => {} };
 * });
 * ```
 */
export function describeTokenStoreContract(name: string, factory: StoreContractFactory): void {
  describe(`TokenStore contract: ${name}`, () => {
    let fixture: StoreContractFixture;
    let store: TokenStore;
    let peer: TokenStore;
    let t0: number;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
      peer = fixture.peer ?? fixture.store;
      t0 = Date.now();
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('refresh tokens', () => {
      it('finds a saved token, and null for an unknown digest', async () => {
        const record = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(record);
        expect(await store.findRefreshToken(record.digest)).toEqual(record);
        expect(await peer.findRefreshToken(record.digest)).toEqual(record);
        expect(await store.findRefreshToken(randomDigest())).toBeNull();
      });

      it('keeps the organization of a family: saved, found from every instance, answered and carried by rotations', async () => {
        const old = refreshRecord({ expiresAt: t0 + HOUR, organization: 'c1' });
        await store.saveRefreshToken(old);
        expect(await peer.findRefreshToken(old.digest)).toEqual(old);
        const next = { ...successor(old, t0 + 2 * HOUR), organization: 'c1' };
        expect(await peer.rotateRefreshToken(old.digest, next, t0 + MINUTE)).toEqual({ status: 'rotated', record: old });
        expect(await store.findRefreshToken(next.digest)).toEqual(next);
        expect(await store.rotateRefreshToken(old.digest, { ...successor(old, t0 + 2 * HOUR), organization: 'c1' }, t0 + 2 * MINUTE)).toEqual({
          status: 'reused',
          record: old,
        });
        // A record without an organization reads back without one.
        const plain = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(plain);
        expect((await peer.findRefreshToken(plain.digest))?.organization).toBeUndefined();
      });

      it("keeps a session's narrowed scope: saved, found from every instance, answered, carried or lowered by rotations", async () => {
        const old = refreshRecord({ expiresAt: t0 + HOUR, scope: 'bot' });
        await store.saveRefreshToken(old);
        expect(await peer.findRefreshToken(old.digest)).toEqual(old);
        const next = { ...successor(old, t0 + 2 * HOUR), scope: 'agent' };
        expect(await peer.rotateRefreshToken(old.digest, next, t0 + MINUTE)).toEqual({ status: 'rotated', record: old });
        expect(await store.findRefreshToken(next.digest)).toEqual(next);
        const plain = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(plain);
        expect((await peer.findRefreshToken(plain.digest))?.scope).toBeUndefined();
      });

      it('rotates a current token: answers the OLD record, stores the next, keeps the spent one findable', async () => {
        const old = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(old);
        const next = successor(old, t0 + 2 * HOUR);
        const result = await store.rotateRefreshToken(old.digest, next, t0 + MINUTE);
        expect(result).toEqual({ status: 'rotated', record: old });
        expect(await store.findRefreshToken(next.digest)).toEqual(next);
        expect(await store.findRefreshToken(old.digest)).toEqual(old);
        expect(await store.isFamilyRevoked(old.familyId, t0 + MINUTE)).toBe(false);
      });

      it('rotates along a chain: each new token rotates once', async () => {
        let current = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(current);
        for (let step = 1; step <= 5; step += 1) {
          const next = successor(current, t0 + HOUR + step * MINUTE);
          const handle = step % 2 === 0 ? store : peer;
          expect(await handle.rotateRefreshToken(current.digest, next, t0 + step * MINUTE)).toEqual({
            status: 'rotated',
            record: current,
          });
          current = next;
        }
        expect(await store.isFamilyRevoked(current.familyId, t0 + 10 * MINUTE)).toBe(false);
      });

      it('answers not_found for an unknown token and stores nothing', async () => {
        const next = refreshRecord({ expiresAt: t0 + HOUR });
        expect(await store.rotateRefreshToken(randomDigest(), next, t0)).toEqual({ status: 'not_found' });
        expect(await store.findRefreshToken(next.digest)).toBeNull();
      });

      it('answers expired at and after expiresAt, rotated just before', async () => {
        const a = refreshRecord({ expiresAt: t0 + HOUR });
        const b = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(a);
        await store.saveRefreshToken(b);
        const nextA = successor(a, t0 + 3 * HOUR);
        expect(await store.rotateRefreshToken(a.digest, nextA, a.expiresAt)).toEqual({ status: 'expired', record: a });
        expect(await store.rotateRefreshToken(a.digest, nextA, a.expiresAt + HOUR)).toEqual({ status: 'expired', record: a });
        expect(await store.findRefreshToken(nextA.digest)).toBeNull();
        expect(await store.rotateRefreshToken(b.digest, successor(b, t0 + 3 * HOUR), b.expiresAt - 1)).toEqual({
          status: 'rotated',
          record: b,
        });
      });

      it('on reuse revokes the family until max(next.expiresAt, old.expiresAt) and answers reused', async () => {
        const old = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(old);
        const next = successor(old, t0 + 2 * HOUR);
        expect((await store.rotateRefreshToken(old.digest, next, t0 + MINUTE)).status).toBe('rotated');

        const attackerNext = successor(old, t0 + 5 * HOUR);
        const replay = await peer.rotateRefreshToken(old.digest, attackerNext, t0 + 2 * MINUTE);
        expect(replay).toEqual({ status: 'reused', record: old });
        expect(await store.findRefreshToken(attackerNext.digest)).toBeNull();

        // The family is revoked for everyone, the legitimate successor included.
        expect(await store.isFamilyRevoked(old.familyId, t0 + 3 * MINUTE)).toBe(true);
        expect(await peer.isFamilyRevoked(old.familyId, t0 + 3 * MINUTE)).toBe(true);
        expect(await store.rotateRefreshToken(next.digest, successor(next, t0 + 3 * HOUR), t0 + 3 * MINUTE)).toEqual({
          status: 'revoked',
          record: next,
        });
        // Until max(next.expiresAt, old.expiresAt) = the attacker's would-be token's expiry.
        expect(await store.isFamilyRevoked(old.familyId, t0 + 5 * HOUR - 1)).toBe(true);
        expect(await store.isFamilyRevoked(old.familyId, t0 + 5 * HOUR)).toBe(false);
      });

      it('revokes until the old token expiry when it is the later one', async () => {
        const old = refreshRecord({ expiresAt: t0 + 4 * HOUR });
        await store.saveRefreshToken(old);
        await store.rotateRefreshToken(old.digest, successor(old, t0 + 2 * HOUR), t0);
        expect((await store.rotateRefreshToken(old.digest, successor(old, t0 + 2 * HOUR), t0 + 1)).status).toBe('reused');
        expect(await store.isFamilyRevoked(old.familyId, t0 + 4 * HOUR - 1)).toBe(true);
        expect(await store.isFamilyRevoked(old.familyId, t0 + 4 * HOUR)).toBe(false);
      });

      it('remembers a spent token until its own expiresAt', async () => {
        const old = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(old);
        await store.rotateRefreshToken(old.digest, successor(old, t0 + 2 * HOUR), t0);
        const late = await store.rotateRefreshToken(old.digest, successor(old, t0 + 3 * HOUR), t0 + HOUR - 1);
        expect(late).toEqual({ status: 'reused', record: old });
        const afterExpiry = await store.rotateRefreshToken(old.digest, successor(old, t0 + 3 * HOUR), t0 + HOUR);
        // Past its expiry a spent token is either still known (expired) or purged (not_found).
        expect(['expired', 'not_found']).toContain(afterExpiry.status);
      });

      it('checks in the contract order: expired before revoked, revoked before reused', async () => {
        const old = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(old);
        await store.rotateRefreshToken(old.digest, successor(old, t0 + 2 * HOUR), t0);
        await store.revokeFamily(old.familyId, t0 + 10 * HOUR);
        // Spent AND revoked → revoked (the family is already revoked; nothing more to do).
        expect(await store.rotateRefreshToken(old.digest, successor(old, t0 + 2 * HOUR), t0 + 1)).toEqual({
          status: 'revoked',
          record: old,
        });
        // Spent AND revoked AND expired → expired.
        expect(await store.rotateRefreshToken(old.digest, successor(old, t0 + 2 * HOUR), t0 + HOUR)).toEqual({
          status: 'expired',
          record: old,
        });
      });

      it('answers revoked for a current token of a family revoked by revokeFamily (logout)', async () => {
        const token = refreshRecord({ expiresAt: t0 + HOUR });
        const other = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(token);
        await store.saveRefreshToken(other);
        await peer.revokeFamily(token.familyId, t0 + HOUR);
        const next = successor(token, t0 + 2 * HOUR);
        expect(await store.rotateRefreshToken(token.digest, next, t0 + MINUTE)).toEqual({ status: 'revoked', record: token });
        expect(await store.findRefreshToken(next.digest)).toBeNull();
        // Other families are untouched.
        expect((await store.rotateRefreshToken(other.digest, successor(other, t0 + 2 * HOUR), t0 + MINUTE)).status).toBe('rotated');
      });

      it('lets exactly one of 100 concurrent rotations across two instances win', async () => {
        const old = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken(old);
        const nexts = Array.from({ length: 100 }, () => successor(old, t0 + 2 * HOUR));
        const results = await Promise.all(
          nexts.map((next, index) => (index % 2 === 0 ? store : peer).rotateRefreshToken(old.digest, next, t0 + MINUTE)),
        );
        const statuses = results.map((result) => result.status);
        expect(statuses.filter((status) => status === 'rotated')).toHaveLength(1);
        expect(statuses.filter((status) => status === 'reused').length).toBeGreaterThanOrEqual(1);
        expect(statuses.every((status) => ['rotated', 'reused', 'revoked'].includes(status))).toBe(true);
        // Exactly one successor was stored, and the replays revoked the family.
        const stored = await Promise.all(nexts.map((next) => store.findRefreshToken(next.digest)));
        expect(stored.filter((record) => record !== null)).toHaveLength(1);
        expect(await store.isFamilyRevoked(old.familyId, t0 + MINUTE)).toBe(true);
      });
    });

    describe('revocations', () => {
      it('remembers a revoked family until expiresAt, for every instance', async () => {
        const familyId = randomId(16);
        expect(await store.isFamilyRevoked(familyId, t0)).toBe(false);
        await store.revokeFamily(familyId, t0 + HOUR);
        expect(await store.isFamilyRevoked(familyId, t0)).toBe(true);
        expect(await peer.isFamilyRevoked(familyId, t0 + HOUR - 1)).toBe(true);
        expect(await store.isFamilyRevoked(familyId, t0 + HOUR)).toBe(false);
        expect(await store.isFamilyRevoked(randomId(16), t0)).toBe(false);
      });

      it('never shortens a family revocation', async () => {
        const familyId = randomId(16);
        await store.revokeFamily(familyId, t0 + 2 * HOUR);
        await peer.revokeFamily(familyId, t0 + HOUR);
        expect(await store.isFamilyRevoked(familyId, t0 + HOUR + MINUTE)).toBe(true);
        await store.revokeFamily(familyId, t0 + 3 * HOUR);
        expect(await store.isFamilyRevoked(familyId, t0 + 2 * HOUR + MINUTE)).toBe(true);
      });

      it('remembers a revoked access token until expiresAt, for every instance', async () => {
        const jti = randomId(16);
        expect(await store.isAccessTokenRevoked(jti, t0)).toBe(false);
        await store.revokeAccessToken(jti, t0 + HOUR);
        expect(await peer.isAccessTokenRevoked(jti, t0)).toBe(true);
        expect(await store.isAccessTokenRevoked(jti, t0 + HOUR - 1)).toBe(true);
        expect(await store.isAccessTokenRevoked(jti, t0 + HOUR)).toBe(false);
        expect(await store.isAccessTokenRevoked(randomId(16), t0)).toBe(false);
      });

      it('never shortens an access-token revocation', async () => {
        const jti = randomId(16);
        await store.revokeAccessToken(jti, t0 + 2 * HOUR);
        await store.revokeAccessToken(jti, t0 + HOUR);
        expect(await store.isAccessTokenRevoked(jti, t0 + HOUR + MINUTE)).toBe(true);
      });

      it('keeps families and access tokens apart even with equal ids', async () => {
        const id = randomId(16);
        await store.revokeFamily(id, t0 + HOUR);
        expect(await store.isAccessTokenRevoked(id, t0)).toBe(false);
        const other = randomId(16);
        await store.revokeAccessToken(other, t0 + HOUR);
        expect(await store.isFamilyRevoked(other, t0)).toBe(false);
      });
    });

    describe('ending every session of a user (revokeFamiliesOfUser)', () => {
      /** A user with `count` sessions (families), one token each, expiring an hour from t0. */
      async function sessionsOf(userId: string, count: number): Promise<RefreshTokenRecord[]> {
        const records = Array.from({ length: count }, () => refreshRecord({ userId, expiresAt: t0 + HOUR }));
        for (const record of records) await store.saveRefreshToken(record);
        return records;
      }

      it("revokes every live family of the user for every instance, and no one else's", async () => {
        const userId = randomId();
        const mine = await sessionsOf(userId, 3);
        const theirs = await sessionsOf(randomId(), 2);
        // A rotated session stays indexed under its family.
        const rotated = successor(mine[0]!, t0 + 2 * HOUR);
        expect((await peer.rotateRefreshToken(mine[0]!.digest, rotated, t0 + MINUTE)).status).toBe('rotated');

        expect(await peer.revokeFamiliesOfUser(userId, t0 + 2 * MINUTE)).toBe(3);
        for (const record of mine) {
          expect(await store.isFamilyRevoked(record.familyId, t0 + 2 * MINUTE)).toBe(true);
          expect(await peer.isFamilyRevoked(record.familyId, t0 + 2 * MINUTE)).toBe(true);
        }
        for (const current of [rotated, mine[1]!, mine[2]!]) {
          expect((await store.rotateRefreshToken(current.digest, successor(current, t0 + 3 * HOUR), t0 + 3 * MINUTE)).status).toBe('revoked');
        }
        for (const record of theirs) expect(await store.isFamilyRevoked(record.familyId, t0 + 2 * MINUTE)).toBe(false);
        expect((await store.rotateRefreshToken(theirs[0]!.digest, successor(theirs[0]!, t0 + 2 * HOUR), t0 + 3 * MINUTE)).status).toBe('rotated');
        // Nothing left to end.
        expect(await store.revokeFamiliesOfUser(userId, t0 + 4 * MINUTE)).toBe(0);
      });

      it('revokes each family until its own latest expiry: familyExpiresAt when given, else expiresAt', async () => {
        const userId = randomId();
        const short = refreshRecord({ userId, expiresAt: t0 + HOUR });
        // The access tokens of this one outlive its refresh token (a longer access-token lifetime).
        const long = refreshRecord({ userId, expiresAt: t0 + HOUR, familyExpiresAt: t0 + 5 * HOUR });
        await store.saveRefreshToken(short);
        await store.saveRefreshToken(long);
        const rotated = successor(short, t0 + 3 * HOUR);
        await store.rotateRefreshToken(short.digest, rotated, t0);

        // Still live at t0 + 2h through familyExpiresAt alone, although its refresh token expired.
        expect(await store.revokeFamiliesOfUser(userId, t0 + 2 * HOUR)).toBe(2);
        expect(await store.isFamilyRevoked(short.familyId, t0 + 3 * HOUR - 1)).toBe(true);
        expect(await store.isFamilyRevoked(short.familyId, t0 + 3 * HOUR)).toBe(false);
        expect(await peer.isFamilyRevoked(long.familyId, t0 + 5 * HOUR - 1)).toBe(true);
        expect(await peer.isFamilyRevoked(long.familyId, t0 + 5 * HOUR)).toBe(false);
      });

      it('never hands familyExpiresAt back: records read back are as before', async () => {
        const record = refreshRecord({ expiresAt: t0 + HOUR });
        await store.saveRefreshToken({ ...record, familyExpiresAt: t0 + 2 * HOUR });
        expect(await peer.findRefreshToken(record.digest)).toEqual(record);
        const next = successor(record, t0 + 2 * HOUR);
        expect(await store.rotateRefreshToken(record.digest, { ...next, familyExpiresAt: t0 + 3 * HOUR }, t0)).toEqual({
          status: 'rotated',
          record,
        });
        expect(await store.findRefreshToken(next.digest)).toEqual(next);
      });

      it('leaves the `except` family live', async () => {
        const userId = randomId();
        const [keep, end1, end2] = await sessionsOf(userId, 3);
        expect(await store.revokeFamiliesOfUser(userId, t0, { except: keep!.familyId })).toBe(2);
        expect(await peer.isFamilyRevoked(keep!.familyId, t0)).toBe(false);
        expect(await peer.isFamilyRevoked(end1!.familyId, t0)).toBe(true);
        expect(await peer.isFamilyRevoked(end2!.familyId, t0)).toBe(true);
        expect((await store.rotateRefreshToken(keep!.digest, successor(keep!, t0 + 2 * HOUR), t0 + 1)).status).toBe('rotated');
        // The kept family is still the user's: a later call ends it.
        expect(await store.revokeFamiliesOfUser(userId, t0 + 2)).toBe(1);
        expect(await store.isFamilyRevoked(keep!.familyId, t0 + 2)).toBe(true);
      });

      it('counts no family that is no longer live at now, and 0 for a user without sessions', async () => {
        const userId = randomId();
        const [old] = await sessionsOf(userId, 1);
        const later = refreshRecord({ userId, expiresAt: t0 + 3 * HOUR });
        await store.saveRefreshToken(later);
        expect(await store.revokeFamiliesOfUser(userId, old!.expiresAt)).toBe(1);
        expect(await store.isFamilyRevoked(later.familyId, old!.expiresAt)).toBe(true);
        expect(await store.revokeFamiliesOfUser(randomId(), t0)).toBe(0);
      });

      it('leaves a session that starts afterwards live (a new login works at once)', async () => {
        const userId = randomId();
        await sessionsOf(userId, 2);
        await store.revokeFamiliesOfUser(userId, t0);
        const [fresh] = await sessionsOf(userId, 1);
        expect(await peer.isFamilyRevoked(fresh!.familyId, t0)).toBe(false);
        expect((await peer.rotateRefreshToken(fresh!.digest, successor(fresh!, t0 + 2 * HOUR), t0 + 1)).status).toBe('rotated');
      });

      it('leaves no live family when rotations on one instance race it on the other', async () => {
        const userId = randomId();
        const sessions = await sessionsOf(userId, 20);
        const nexts = sessions.map((record) => ({ ...successor(record, t0 + 2 * HOUR), familyExpiresAt: t0 + 4 * HOUR }));
        const rotations = sessions.map((record, index) => peer.rotateRefreshToken(record.digest, nexts[index]!, t0 + MINUTE));
        const revoked = store.revokeFamiliesOfUser(userId, t0 + MINUTE);
        const results = await Promise.all(rotations);
        expect(await revoked).toBe(20);
        for (const [index, result] of results.entries()) {
          expect(['rotated', 'revoked']).toContain(result.status);
          const familyId = sessions[index]!.familyId;
          expect(await store.isFamilyRevoked(familyId, t0 + 2 * MINUTE)).toBe(true);
          // A rotation that won the race extended the revocation to its new token's family expiry.
          if (result.status === 'rotated') {
            expect(await store.isFamilyRevoked(familyId, t0 + 4 * HOUR - 1)).toBe(true);
            expect((await store.rotateRefreshToken(nexts[index]!.digest, successor(nexts[index]!, t0 + 5 * HOUR), t0 + 2 * MINUTE)).status).toBe(
              'revoked',
            );
          }
        }
      });

      it("ends a user's oldest (lowest expiry) session when a new one passes the default cap of 100, never another user's", async () => {
        const userId = randomId();
        const other = refreshRecord({ expiresAt: t0 + MINUTE });
        await store.saveRefreshToken(other);
        // 100 sessions of the user, the one expiring first saved in the middle.
        const sessions = Array.from({ length: 100 }, (_, n) =>
          refreshRecord({ userId, expiresAt: t0 + HOUR, familyExpiresAt: n === 50 ? t0 + 2 * HOUR : t0 + 3 * HOUR + n }),
        );
        for (const record of sessions) await store.saveRefreshToken(record);
        for (const record of sessions) expect(await peer.isFamilyRevoked(record.familyId, t0)).toBe(false);
        const newest = refreshRecord({ userId, expiresAt: t0 + HOUR, familyExpiresAt: t0 + 4 * HOUR });
        await peer.saveRefreshToken(newest);
        const oldest = sessions[50]!;
        // Revoked until its own latest expiry; its refresh token answers revoked.
        expect(await store.isFamilyRevoked(oldest.familyId, t0 + 2 * HOUR - 1)).toBe(true);
        expect(await store.isFamilyRevoked(oldest.familyId, t0 + 2 * HOUR)).toBe(false);
        expect((await store.rotateRefreshToken(oldest.digest, successor(oldest, t0 + 2 * HOUR), t0 + 1)).status).toBe('revoked');
        for (const record of [...sessions.filter((record) => record !== oldest), newest, other]) {
          expect(await peer.isFamilyRevoked(record.familyId, t0)).toBe(false);
        }
        // A rotation of a live session is no new session: nothing more is ended.
        const rotated = successor(sessions[0]!, t0 + 2 * HOUR);
        expect((await store.rotateRefreshToken(sessions[0]!.digest, rotated, t0 + 1)).status).toBe('rotated');
        expect(await store.isFamilyRevoked(sessions[1]!.familyId, t0 + 1)).toBe(false);
        // Ending the user's sessions ends the 100 live ones.
        expect(await peer.revokeFamiliesOfUser(userId, t0 + 2)).toBe(100);
        expect(await store.isFamilyRevoked(other.familyId, t0 + 2)).toBe(false);
      });

      // The one model of the contract: rotation (its order of checks, reuse, revocation horizons) and
      // the session index, over random histories of several users' logins, rotations, logouts and ends.
      it('agrees with a model of the contract on random histories of logins, rotations, logouts and ends', async () => {
        type Command =
          | { readonly kind: 'login'; readonly user: number }
          | { readonly kind: 'rotate'; readonly pick: number; readonly via: boolean; readonly longer: boolean }
          | { readonly kind: 'advance'; readonly ms: number }
          | { readonly kind: 'logout'; readonly pick: number }
          | { readonly kind: 'end'; readonly user: number; readonly except: number | null; readonly via: boolean };
        const command: fc.Arbitrary<Command> = fc.oneof(
          fc.record({ kind: fc.constant('login' as const), user: fc.nat(2) }),
          fc.record({ kind: fc.constant('rotate' as const), pick: fc.nat(), via: fc.boolean(), longer: fc.boolean() }),
          fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 40 * MINUTE }) }),
          fc.record({ kind: fc.constant('logout' as const), pick: fc.nat() }),
          fc.record({ kind: fc.constant('end' as const), user: fc.nat(2), except: fc.option(fc.nat()), via: fc.boolean() }),
        );
        await fc.assert(
          fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
            const ttl = HOUR;
            const users = [randomId(), randomId(), randomId()];
            let now = Date.now();
            const tokens: { record: RefreshTokenRecord; spent: boolean }[] = [];
            const revokedUntil = new Map<string, number>();
            /** The model's session index: family → [user, until]; dropped when ended. */
            const index = new Map<string, { userId: string; until: number }>();
            const isRevoked = (familyId: string, at: number): boolean => at < (revokedUntil.get(familyId) ?? -Infinity);
            const revoke = (familyId: string, until: number): void => {
              revokedUntil.set(familyId, Math.max(until, revokedUntil.get(familyId) ?? -Infinity));
            };
            const indexed = (record: RefreshTokenRecord): void => {
              const until = Math.max(record.expiresAt, record.familyExpiresAt ?? record.expiresAt);
              const entry = index.get(record.familyId);
              index.set(record.familyId, { userId: record.userId, until: Math.max(until, entry?.until ?? -Infinity) });
            };
            for (const step of commands) {
              if (step.kind === 'login') {
                const record = refreshRecord({ userId: users[step.user]!, expiresAt: now + ttl });
                await store.saveRefreshToken(record);
                indexed(record);
                tokens.push({ record, spent: false });
              } else if (step.kind === 'advance') {
                now += step.ms;
              } else if (step.kind === 'logout' && tokens.length > 0) {
                const target = tokens[step.pick % tokens.length]!;
                await store.revokeFamily(target.record.familyId, now + ttl);
                revoke(target.record.familyId, now + ttl);
              } else if (step.kind === 'end') {
                const userId = users[step.user]!;
                const except = step.except === null || tokens.length === 0 ? undefined : tokens[step.except % tokens.length]!.record.familyId;
                let expected = 0;
                for (const [familyId, entry] of [...index]) {
                  if (entry.userId !== userId) continue;
                  if (entry.until <= now) {
                    index.delete(familyId);
                    continue;
                  }
                  if (familyId === except) continue;
                  revoke(familyId, entry.until);
                  index.delete(familyId);
                  expected += 1;
                }
                const options = except === undefined ? undefined : { except };
                expect(await (step.via ? peer : store).revokeFamiliesOfUser(userId, now, options)).toBe(expected);
              } else if (step.kind === 'rotate' && tokens.length > 0) {
                const target = tokens[step.pick % tokens.length]!;
                const old = target.record;
                const next: RefreshTokenRecord = {
                  ...successor(old, now + ttl),
                  ...(step.longer ? { familyExpiresAt: now + 2 * ttl } : {}),
                };
                let expected: RotateRefreshResult;
                if (old.expiresAt <= now) expected = { status: 'expired', record: old };
                else if (isRevoked(old.familyId, now)) expected = { status: 'revoked', record: old };
                else if (target.spent) {
                  revoke(old.familyId, Math.max(next.expiresAt, old.expiresAt));
                  expected = { status: 'reused', record: old };
                } else {
                  target.spent = true;
                  indexed(next);
                  const { familyExpiresAt: _writeOnly, ...readBack } = next;
                  tokens.push({ record: readBack, spent: false });
                  expected = { status: 'rotated', record: old };
                }
                const actual = await (step.via ? peer : store).rotateRefreshToken(old.digest, next, now);
                if (actual.status === 'not_found' && expected.status === 'expired') continue; // purged: allowed
                expect(actual).toEqual(expected);
              }
              for (const familyId of new Set(tokens.map((token) => token.record.familyId))) {
                expect(await store.isFamilyRevoked(familyId, now)).toBe(isRevoked(familyId, now));
              }
            }
          }),
          { numRuns: 30 },
        );
      });
    });

    describe('API keys', () => {
      it('finds a saved key by digest from every instance, and null for an unknown digest', async () => {
        const record = apiKeyRecord({ scopes: ['agent', 'guest', 'bot'] });
        await store.saveApiKey(record);
        expect(await store.findApiKey(record.digest)).toEqual(record);
        expect(await peer.findApiKey(record.digest)).toEqual(record);
        expect(await store.findApiKey(randomDigest())).toBeNull();
      });

      it('keeps the organization a key is bound to (found and listed), and none when it has none', async () => {
        const userId = randomId();
        const bound = apiKeyRecord({ userId, organization: 'c1' });
        const plain = apiKeyRecord({ userId });
        await store.saveApiKey(bound);
        await store.saveApiKey(plain);
        expect(await peer.findApiKey(bound.digest)).toEqual(bound);
        expect((await peer.findApiKey(plain.digest))?.organization).toBeUndefined();
        expect([...(await peer.listApiKeysOfUser(userId))].sort(byId)).toEqual([bound, plain].sort(byId));
      });

      it('keeps an empty scope list as an empty list', async () => {
        const record = apiKeyRecord({ scopes: [] });
        await store.saveApiKey(record);
        expect(await store.findApiKey(record.digest)).toEqual(record);
      });

      it('deletes one key by its public id', async () => {
        const userId = randomId();
        const a = apiKeyRecord({ userId });
        const b = apiKeyRecord({ userId });
        await store.saveApiKey(a);
        await store.saveApiKey(b);
        expect(await peer.deleteApiKey(a.id)).toBe(true);
        expect(await store.findApiKey(a.digest)).toBeNull();
        expect(await store.findApiKey(b.digest)).toEqual(b);
        expect(await store.listApiKeysOfUser(userId)).toEqual([b]);
        expect(await store.deleteApiKey(a.id)).toBe(false);
        expect(await store.deleteApiKey(randomId())).toBe(false);
      });

      it("lists exactly a user's keys", async () => {
        const userId = randomId();
        const mine = [apiKeyRecord({ userId }), apiKeyRecord({ userId, scopes: ['guest'] }), apiKeyRecord({ userId })];
        const theirs = apiKeyRecord();
        for (const record of [...mine, theirs]) await store.saveApiKey(record);
        const listed = await peer.listApiKeysOfUser(userId);
        expect([...listed].sort(byId)).toEqual([...mine].sort(byId));
        expect(await store.listApiKeysOfUser(theirs.userId)).toEqual([theirs]);
        expect(await store.listApiKeysOfUser(randomId())).toEqual([]);
      });

      it("deletes every key of a user, and only that user's", async () => {
        const userId = randomId();
        const mine = [apiKeyRecord({ userId }), apiKeyRecord({ userId }), apiKeyRecord({ userId })];
        const theirs = apiKeyRecord();
        for (const record of [...mine, theirs]) await store.saveApiKey(record);
        expect(await peer.deleteApiKeysOfUser(userId)).toBe(3);
        for (const record of mine) expect(await store.findApiKey(record.digest)).toBeNull();
        expect(await store.listApiKeysOfUser(userId)).toEqual([]);
        expect(await store.findApiKey(theirs.digest)).toEqual(theirs);
        expect(await store.deleteApiKeysOfUser(userId)).toBe(0);
        expect(await store.deleteApiKey(mine[0]!.id)).toBe(false);
      });

      it('saves keys for a user again after all were deleted', async () => {
        const userId = randomId();
        await store.saveApiKey(apiKeyRecord({ userId }));
        await store.deleteApiKeysOfUser(userId);
        const fresh = apiKeyRecord({ userId });
        await store.saveApiKey(fresh);
        expect(await store.listApiKeysOfUser(userId)).toEqual([fresh]);
      });
    });

    describe('login throttling', () => {
      it('counts hits in a fixed window that starts at the first hit', async () => {
        const key = `login:email:${randomDigest()}`;
        expect(await store.hit(key, MINUTE, t0)).toEqual({ count: 1, resetAt: t0 + MINUTE });
        expect(await peer.hit(key, MINUTE, t0 + 10)).toEqual({ count: 2, resetAt: t0 + MINUTE });
        expect(await store.hit(key, MINUTE, t0 + MINUTE - 1)).toEqual({ count: 3, resetAt: t0 + MINUTE });
        // At resetAt a new window starts with this hit.
        expect(await store.hit(key, MINUTE, t0 + MINUTE)).toEqual({ count: 1, resetAt: t0 + 2 * MINUTE });
        expect(await store.hit(key, MINUTE, t0 + 5 * MINUTE)).toEqual({ count: 1, resetAt: t0 + 6 * MINUTE });
      });

      it('peeks without counting, and answers null when no window is running', async () => {
        const key = `login:source:${randomId()}`;
        expect(await store.peek(key, t0)).toBeNull();
        await store.hit(key, MINUTE, t0);
        await store.hit(key, MINUTE, t0 + 1);
        expect(await peer.peek(key, t0 + 2)).toEqual({ count: 2, resetAt: t0 + MINUTE });
        expect(await store.peek(key, t0 + 3)).toEqual({ count: 2, resetAt: t0 + MINUTE });
        expect(await store.peek(key, t0 + MINUTE)).toBeNull();
      });

      it('clears a counter', async () => {
        const key = `login:email:${randomDigest()}`;
        await store.hit(key, MINUTE, t0);
        await store.hit(key, MINUTE, t0);
        await peer.clearHits(key);
        expect(await store.peek(key, t0)).toBeNull();
        expect(await store.hit(key, MINUTE, t0 + 1)).toEqual({ count: 1, resetAt: t0 + 1 + MINUTE });
        await store.clearHits(`never-hit:${randomId()}`);
      });

      it('keeps counters apart', async () => {
        const a = `login:email:${randomDigest()}`;
        const b = `login:email:${randomDigest()}`;
        await store.hit(a, MINUTE, t0);
        await store.hit(a, MINUTE, t0);
        expect(await store.hit(b, MINUTE, t0)).toEqual({ count: 1, resetAt: t0 + MINUTE });
      });

      it('counts 50 concurrent hits across two instances exactly once each', async () => {
        const key = `login:source:${randomId()}`;
        const states = await Promise.all(Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? store : peer).hit(key, MINUTE, t0)));
        expect(states.map((state) => state.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(new Set(states.map((state) => state.resetAt))).toEqual(new Set([t0 + MINUTE]));
        expect(await store.peek(key, t0)).toEqual({ count: 50, resetAt: t0 + MINUTE });
      });

      it('gives a hit back within its window, keeping the window, never below zero', async () => {
        const key = `login:email-source:${randomDigest()}`;
        const first = await store.hit(key, MINUTE, t0);
        await store.hit(key, MINUTE, t0 + 1);
        expect(await peer.releaseHit(key, first.resetAt)).toEqual({ count: 1, resetAt: t0 + MINUTE });
        expect(await store.peek(key, t0 + 2)).toEqual({ count: 1, resetAt: t0 + MINUTE });
        expect(await store.releaseHit(key, first.resetAt)).toEqual({ count: 0, resetAt: t0 + MINUTE });
        expect(await store.releaseHit(key, first.resetAt)).toEqual({ count: 0, resetAt: t0 + MINUTE });
        // The window is kept: the next hit counts 1 in it, not a new window from now.
        expect(await peer.hit(key, MINUTE, t0 + 10)).toEqual({ count: 1, resetAt: t0 + MINUTE });
      });

      it('never gives a hit back to another window, a cleared counter or an unknown key', async () => {
        const key = `login:source:${randomId()}`;
        const old = await store.hit(key, MINUTE, t0);
        const next = await store.hit(key, MINUTE, t0 + MINUTE);
        expect(next).toEqual({ count: 1, resetAt: t0 + 2 * MINUTE });
        expect(await peer.releaseHit(key, old.resetAt)).toBeNull();
        expect(await store.peek(key, t0 + MINUTE)).toEqual({ count: 1, resetAt: t0 + 2 * MINUTE });
        await store.clearHits(key);
        expect(await store.releaseHit(key, next.resetAt)).toBeNull();
        expect(await store.peek(key, t0 + MINUTE)).toBeNull();
        expect(await peer.releaseHit(`never-hit:${randomId()}`, t0 + MINUTE)).toBeNull();
        expect(await store.peek(`never-hit:${randomId()}`, t0)).toBeNull();
      });

      it('applies 50 concurrent hits and releases across two instances exactly', async () => {
        const key = `login:email:${randomDigest()}`;
        const { resetAt } = await store.hit(key, MINUTE, t0);
        for (let i = 0; i < 39; i += 1) await store.hit(key, MINUTE, t0);
        // 40 running; 25 releases and 25 hits at once: 40 - 25 + 25.
        await Promise.all(
          Array.from({ length: 50 }, (_, index) =>
            index % 2 === 0 ? (index % 4 === 0 ? store : peer).releaseHit(key, resetAt) : (index % 4 === 1 ? peer : store).hit(key, MINUTE, t0 + 1),
          ),
        );
        expect(await store.peek(key, t0 + 2)).toEqual({ count: 40, resetAt });
      });
    });
  });
}
