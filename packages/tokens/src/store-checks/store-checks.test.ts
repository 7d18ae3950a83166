import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../create-memory-store.js';
import type { ApiKeyRecord, RefreshTokenRecord } from '../store.js';
import { assertApiKeyRecord } from './assert-api-key-record.js';
import { assertRefreshTokenRecord } from './assert-refresh-token-record.js';
import { assertRevokeFamiliesOptions } from './assert-revoke-families-options.js';
import { assertRotateRefreshArguments } from './assert-rotate-refresh-arguments.js';
import { assertStoreDuration } from './assert-store-duration.js';
import { assertStoreText } from './assert-store-text.js';
import { assertStoreTime } from './assert-store-time.js';

// The argument checks every TokenStore applies (memory, Redis, PostgreSQL). The messages are part
// of the stores' behaviour: each is pinned here once.

const T = 1_000_000;
const refresh: RefreshTokenRecord = { digest: 'd1', userId: 'u1', familyId: 'f1', expiresAt: T };
const apiKey: ApiKeyRecord = { digest: 'd1', id: 'k1', userId: 'bot', scopes: ['agent'], createdAt: T };
const bad = <T>(value: unknown): T => value as T;

describe('assertStoreText, assertStoreTime, assertStoreDuration', () => {
  it('accept exactly non-empty strings', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (value) => {
        expect(() => assertStoreText(value, 'id')).not.toThrow();
      }),
    );
    for (const value of ['', undefined, null, 1, ['a'], {}]) {
      expect(() => assertStoreText(value, 'record.id'), String(value)).toThrow(new TypeError('record.id must be a non-empty string'));
    }
  });

  it('accept exactly finite numbers as times, and positive ones as durations', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(() => assertStoreTime(value, 'now')).not.toThrow();
        if (value > 0) expect(() => assertStoreDuration(value, 'windowMs')).not.toThrow();
        else expect(() => assertStoreDuration(value, 'windowMs')).toThrow(TypeError);
      }),
    );
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1', null, undefined, 1n]) {
      expect(() => assertStoreTime(value, 'now'), String(value)).toThrow(new TypeError('now must be a finite number (epoch milliseconds)'));
      expect(() => assertStoreDuration(value, 'windowMs'), String(value)).toThrow(
        new TypeError('windowMs must be a positive number of milliseconds'),
      );
    }
    expect(() => assertStoreDuration(0, 'windowMs')).toThrow(TypeError);
  });
});

describe('assertRefreshTokenRecord', () => {
  it('accepts a record, with or without its optional fields', () => {
    expect(() => assertRefreshTokenRecord(refresh, 'record')).not.toThrow();
    expect(() => assertRefreshTokenRecord({ ...refresh, familyExpiresAt: T + 1, organization: 'o1', scope: 'agent' }, 'record')).not.toThrow();
  });

  it('names the first bad field', () => {
    expect(() => assertRefreshTokenRecord(bad(null), 'next')).toThrow(new TypeError('next must be a record'));
    expect(() => assertRefreshTokenRecord(bad('d1'), 'next')).toThrow(new TypeError('next must be a record'));
    const cases: [Partial<Record<keyof RefreshTokenRecord, unknown>>, string][] = [
      [{ digest: '' }, 'record.digest must be a non-empty string'],
      [{ userId: 1 }, 'record.userId must be a non-empty string'],
      [{ familyId: undefined }, 'record.familyId must be a non-empty string'],
      [{ expiresAt: Number.NaN }, 'record.expiresAt must be a finite number (epoch milliseconds)'],
      [{ familyExpiresAt: '1' }, 'record.familyExpiresAt must be a finite number (epoch milliseconds)'],
      [{ organization: '' }, 'record.organization must be a non-empty string'],
      [{ scope: 7 }, 'record.scope must be a non-empty string'],
    ];
    for (const [change, message] of cases) {
      expect(() => assertRefreshTokenRecord(bad({ ...refresh, ...change }), 'record')).toThrow(new TypeError(message));
    }
  });
});

describe('assertApiKeyRecord', () => {
  it('accepts a record, with or without an organization', () => {
    expect(() => assertApiKeyRecord(apiKey, 'record')).not.toThrow();
    expect(() => assertApiKeyRecord({ ...apiKey, scopes: [], organization: 'o1' }, 'record')).not.toThrow();
  });

  it('names the first bad field', () => {
    expect(() => assertApiKeyRecord(bad(undefined), 'record')).toThrow(new TypeError('record must be a record'));
    const cases: [Partial<Record<keyof ApiKeyRecord, unknown>>, string][] = [
      [{ digest: null }, 'record.digest must be a non-empty string'],
      [{ id: '' }, 'record.id must be a non-empty string'],
      [{ userId: [] }, 'record.userId must be a non-empty string'],
      [{ scopes: 'agent' }, 'record.scopes must be an array of strings'],
      [{ scopes: ['agent', 1] }, 'record.scopes must be an array of strings'],
      [{ createdAt: Number.POSITIVE_INFINITY }, 'record.createdAt must be a finite number (epoch milliseconds)'],
      [{ organization: 3 }, 'record.organization must be a non-empty string'],
    ];
    for (const [change, message] of cases) {
      expect(() => assertApiKeyRecord(bad({ ...apiKey, ...change }), 'record')).toThrow(new TypeError(message));
    }
  });
});

describe('assertRotateRefreshArguments, assertRevokeFamiliesOptions', () => {
  it('check a rotation: old digest, next record under another digest, now', () => {
    expect(() => assertRotateRefreshArguments('d0', refresh, T)).not.toThrow();
    expect(() => assertRotateRefreshArguments('', refresh, T)).toThrow(new TypeError('oldDigest must be a non-empty string'));
    expect(() => assertRotateRefreshArguments('d0', bad({ ...refresh, userId: '' }), T)).toThrow(
      new TypeError('next.userId must be a non-empty string'),
    );
    expect(() => assertRotateRefreshArguments('d0', refresh, Number.NaN)).toThrow(new TypeError('now must be a finite number (epoch milliseconds)'));
    expect(() => assertRotateRefreshArguments('d1', refresh, T)).toThrow(new TypeError('next.digest must differ from oldDigest'));
  });

  it('check the options of revokeFamiliesOfUser', () => {
    expect(() => assertRevokeFamiliesOptions({})).not.toThrow();
    expect(() => assertRevokeFamiliesOptions({ except: 'f1' })).not.toThrow();
    expect(() => assertRevokeFamiliesOptions(bad(null))).toThrow(new TypeError('options must be an object'));
    expect(() => assertRevokeFamiliesOptions(bad({ except: '' }))).toThrow(new TypeError('options.except must be a non-empty string'));
  });
});

describe('the memory store applies them', () => {
  it('rejects misuse of every method with TypeError, storing nothing', async () => {
    const store = createMemoryStore();
    await expect(store.saveRefreshToken(bad({ ...refresh, familyId: '' }))).rejects.toThrow(TypeError);
    await expect(store.rotateRefreshToken('d1', refresh, T)).rejects.toThrow('next.digest must differ from oldDigest');
    await expect(store.findRefreshToken('')).rejects.toThrow(TypeError);
    await expect(store.revokeFamily('f1', Number.NaN)).rejects.toThrow(TypeError);
    await expect(store.isFamilyRevoked('f1', Number.NaN)).rejects.toThrow(TypeError);
    await expect(store.revokeFamiliesOfUser('u1', T, bad(null))).rejects.toThrow(TypeError);
    await expect(store.revokeAccessToken('', T)).rejects.toThrow(TypeError);
    await expect(store.isAccessTokenRevoked('j1', bad('now'))).rejects.toThrow(TypeError);
    await expect(store.saveApiKey(bad({ ...apiKey, scopes: 'agent' }))).rejects.toThrow(TypeError);
    await expect(store.findApiKey('')).rejects.toThrow(TypeError);
    await expect(store.deleteApiKey('')).rejects.toThrow(TypeError);
    await expect(store.deleteApiKeysOfUser('')).rejects.toThrow(TypeError);
    await expect(store.listApiKeysOfUser('')).rejects.toThrow(TypeError);
    await expect(store.hit('k', 0, T)).rejects.toThrow(TypeError);
    await expect(store.peek('', T)).rejects.toThrow(TypeError);
    await expect(store.releaseHit('k', Number.NaN)).rejects.toThrow(TypeError);
    await expect(store.clearHits('')).rejects.toThrow(TypeError);
    expect(store.size()).toEqual({ refreshTokens: 0, revokedFamilies: 0, revokedAccessTokens: 0, apiKeys: 0, counters: 0, indexedFamilies: 0 });
  });
});
