/**
 * The Redis store under the real auth service of @scopeladder/tokens: two service instances
 * (two connections, one Redis) behave as one, and a Redis outage fails closed with 503.
 */
import { randomBytes } from 'node:crypto';
import { httpErrorFor, isScopeladderError } from '@scopeladder/core';
import { type AuthService, createAuthService, createMemoryDirectory, hashPassword } from '@scopeladder/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore, type RedisTokenStore } from './index.js';
import { TEST_REDIS_URL, deleteKeys, freePort, startRedisServer, uniquePrefix } from '../../../test/support/redis.js';

const secret = randomBytes(32);
const password = 'correct horse battery staple';
const prefix = uniquePrefix('auth');
const stores: RedisTokenStore[] = [];

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isScopeladderError(error) ? error.code : `not a ScopeladderError: ${String(error)}`;
  }
}

describe('auth service on Redis: two instances, one state', () => {
  const directory = createMemoryDirectory();
  let instanceA: AuthService;
  let instanceB: AuthService;

  beforeAll(async () => {
    directory.add({
      id: '65f0c0ffee0000000000a001',
      email: 'ada@example.com',
      role: 'admin',
      passwordHash: await hashPassword(password),
    });
    directory.add({ id: '65f0c0ffee0000000000b001', email: 'bot@example.com', role: 'bot', kind: 'bot' });
    const make = (): AuthService => {
      const store = createRedisStore({ url: TEST_REDIS_URL, prefix });
      stores.push(store);
      return createAuthService({ directory, store, keys: { algorithm: 'HS256', secret }, verifiedTokenCacheSize: 0 });
    };
    instanceA = make();
    instanceB = make();
  });

  afterAll(async () => {
    await deleteKeys(stores[0]!.client, prefix);
    for (const store of stores) await store.close();
  });

  it('organizations: a session and a bot key act in one organization across instances; a removal ends them', async () => {
    directory.addOrganization({ id: 'r1', path: 'r1' });
    directory.addOrganization({ id: 'c1', path: 'r1#c1' });
    directory.add({
      id: '65f0c0ffee0000000000a002',
      email: 'eve@example.com',
      role: 'guest',
      passwordHash: await hashPassword(password),
      memberships: [
        { organization: 'r1', role: 'guest' },
        { organization: 'c1', role: 'admin' },
      ],
    });
    directory.add({
      id: '65f0c0ffee0000000000b002',
      email: 'tenant-bot@example.com',
      role: 'bot',
      kind: 'bot',
      memberships: [{ organization: 'c1', role: 'bot' }],
    });
    const session = await instanceA.login({ email: 'eve@example.com', password, organization: 'c1' });
    expect(session.scope).toBe('admin');
    directory.update('65f0c0ffee0000000000a002', {
      memberships: [
        { organization: 'r1', role: 'agent' },
        { organization: 'c1', role: 'agent' },
      ],
    });
    const next = await instanceB.refresh(session.refreshToken);
    expect(next.scope).toBe('agent');
    const { principal } = await instanceA.authenticate(`Bearer ${next.token}`);
    expect(principal).toMatchObject({ organization: 'c1', organizationPath: 'r1#c1', scopes: ['agent'] });

    const key = await instanceA.createApiKey('65f0c0ffee0000000000b002', ['bot'], { organization: 'c1' });
    expect((await instanceB.authenticate(`Bearer ${key.apiKey}`)).principal).toMatchObject({ organizationPath: 'r1#c1', scopes: ['bot'] });

    // Removed from c1 and r1 (members of nothing): the application ends the user's sessions.
    directory.update('65f0c0ffee0000000000a002', { memberships: [] });
    directory.update('65f0c0ffee0000000000b002', { memberships: [] });
    // As after every privilege change (the bot's keys are answered from each instance's local
    // view until then, at most `maxLagMs` when nothing is published).
    await instanceA.endSessionsOfUser('65f0c0ffee0000000000b002');
    await Promise.all(stores.map((store) => store.syncView()));
    expect(await codeOf(instanceA.refresh(next.refreshToken))).toBe('ERR_REFRESH_INVALID');
    // The refused refresh ended that session on every instance (within the views' bound).
    await Promise.all(stores.map((store) => store.syncView()));
    expect(await codeOf(instanceB.authenticate(`Bearer ${next.token}`))).toBe('ERR_TOKEN_REVOKED');
    expect(await codeOf(instanceB.authenticate(`Bearer ${key.apiKey}`))).toBe('ERR_API_KEY_INVALID');
  });

  it('log in on one, use the token on the other', async () => {
    const session = await instanceA.login({ email: 'ada@example.com', password });
    const context = await instanceB.authenticate(`Bearer ${session.token}`);
    expect(context.principal.id).toBe('65f0c0ffee0000000000a001');
  });

  it('refresh on one, replay the old refresh token on the other → the family is revoked on both', async () => {
    const session = await instanceA.login({ email: 'ada@example.com', password });
    const refreshed = await instanceA.refresh(session.refreshToken);
    expect(await codeOf(instanceB.refresh(session.refreshToken))).toBe('ERR_REFRESH_REUSED');
    await Promise.all(stores.map((store) => store.syncView())); // the other instance's view: within its bound
    expect(await codeOf(instanceA.refresh(refreshed.refreshToken))).toBe('ERR_REFRESH_INVALID');
    expect(await codeOf(instanceA.authenticate(`Bearer ${refreshed.token}`))).toBe('ERR_TOKEN_REVOKED');
    expect(await codeOf(instanceB.authenticate(`Bearer ${session.token}`))).toBe('ERR_TOKEN_REVOKED');
  });

  it('of concurrent refreshes of one token on both instances exactly one succeeds', async () => {
    const session = await instanceA.login({ email: 'ada@example.com', password });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, index) => (index % 2 === 0 ? instanceA : instanceB).refresh(session.refreshToken)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
  });

  it('an API key created on one works on the other until it is revoked there', async () => {
    const created = await instanceA.createApiKey('65f0c0ffee0000000000b001', ['bot']);
    expect((await instanceB.authenticate(`Bearer ${created.apiKey}`)).principal.id).toBe('65f0c0ffee0000000000b001');
    expect(await instanceB.revokeApiKeysOfUser('65f0c0ffee0000000000b001')).toBe(1);
    await Promise.all(stores.map((store) => store.syncView())); // the other instance's view: within its bound
    expect(await codeOf(instanceA.authenticate(`Bearer ${created.apiKey}`))).toBe('ERR_API_KEY_INVALID');
  });
});

describe('auth service on Redis: outage', () => {
  it('fails closed with 503 while Redis is down and works again after it restarts', async () => {
    const port = await freePort();
    let server = await startRedisServer(port);
    const store = createRedisStore({ url: server.url, prefix: 'auth-outage:', commandTimeoutMs: 500 });
    const directory = createMemoryDirectory([
      { id: '65f0c0ffee0000000000a002', email: 'ada@example.com', role: 'agent', passwordHash: await hashPassword(password) },
    ]);
    const auth = createAuthService({ directory, store, keys: { algorithm: 'HS256', secret }, verifiedTokenCacheSize: 0 });
    try {
      const session = await auth.login({ email: 'ada@example.com', password });
      await auth.authenticate(`Bearer ${session.token}`);

      await server.kill();
      for (const attempt of [
        () => auth.authenticate(`Bearer ${session.token}`),
        () => auth.refresh(session.refreshToken),
        () => auth.login({ email: 'ada@example.com', password }),
      ]) {
        const started = Date.now();
        const error = await attempt().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(isScopeladderError(error) && error.code).toBe('ERR_STORE_UNAVAILABLE');
        const answer = httpErrorFor(error);
        expect(answer.status).toBe(503);
        expect(JSON.stringify(answer.body)).not.toMatch(/redis|ECONN|127\.0\.0\.1/i);
        expect(Date.now() - started).toBeLessThan(2_000);
      }

      server = await startRedisServer(port);
      const deadline = Date.now() + 10_000;
      while (!(await store.ping()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      // The restarted Redis kept nothing (no persistence): log in again, and everything works.
      const again = await auth.login({ email: 'ada@example.com', password });
      await auth.authenticate(`Bearer ${again.token}`);
      await auth.refresh(again.refreshToken);
    } finally {
      await store.close();
      await server.kill();
    }
  });
});
