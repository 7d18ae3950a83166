/**
 * The diagnostics channels with the Redis store under the auth service (the publishing is the
 * service's, store-independent; this checks it holds on Redis too): authentication results, and
 * `store.unavailable` / `store.recovered` when a redis-server this file starts (port 7100-7999)
 * dies and comes back.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import { isScopeladderError } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory, hashPassword } from '@scopeladder/tokens';
import { AUTHENTICATE_CHANNEL, CREDENTIAL_CHANNEL, type AuthenticateMessage, type CredentialEvent } from '@scopeladder/tokens/diagnostics';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisStore } from './index.js';
import { type RedisServerProcess, startRedisServer } from '../../../test/support/redis.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isScopeladderError(error) ? error.code : String(error);
  }
}

describe('diagnostics channels on the Redis store', () => {
  it('authentication messages as on the memory store; store.unavailable once when Redis dies, store.recovered once when it returns', async () => {
    const port = 7100 + Math.floor(Math.random() * 900);
    let server: RedisServerProcess = await startRedisServer(port);
    cleanups.push(() => server.kill());
    const store = createRedisStore({ url: server.url, prefix: 'diagnostics:', commandTimeoutMs: 500 });
    cleanups.push(() => store.close());
    const password = randomBytes(12).toString('hex');
    const directory = createMemoryDirectory([{ id: 'u1', email: 'ada@example.com', role: 'agent', passwordHash: await hashPassword(password) }]);
    const service = createAuthService({ directory, store, keys: { algorithm: 'HS256', secret: randomBytes(32) }, throttle: false });

    const authenticated: AuthenticateMessage[] = [];
    const events: CredentialEvent[] = [];
    const onAuthenticate = (message: unknown) => void authenticated.push(message as AuthenticateMessage);
    const onCredential = (message: unknown) => void events.push(message as CredentialEvent);
    subscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
    subscribe(CREDENTIAL_CHANNEL, onCredential);
    cleanups.push(async () => {
      unsubscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
      unsubscribe(CREDENTIAL_CHANNEL, onCredential);
    });

    const { token } = await service.login({ email: 'ada@example.com', password });
    await service.authenticate(`Bearer ${token}`);
    expect(events.map((event) => event.type)).toEqual(['login.succeeded']);
    expect(authenticated.map((message) => [message.ok, message.credential, message.principalId])).toEqual([[true, 'jwt', 'u1']]);

    await server.kill();
    expect(await codeOf(service.authenticate(`Bearer ${token}`))).toBe('ERR_STORE_UNAVAILABLE');
    expect(await codeOf(service.authenticate(`Bearer ${token}`))).toBe('ERR_STORE_UNAVAILABLE');
    expect(events.map((event) => event.type)).toEqual(['login.succeeded', 'store.unavailable']);
    expect(authenticated.slice(1).map((message) => [message.ok, message.code])).toEqual([
      [false, 'ERR_STORE_UNAVAILABLE'],
      [false, 'ERR_STORE_UNAVAILABLE'],
    ]);

    server = await startRedisServer(port);
    const started = Date.now();
    while (!(await store.ping()) && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 25));
    // The new server lost the revocation state (no persistence): the token is authenticated again.
    expect(await codeOf(service.authenticate(`Bearer ${token}`))).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(['login.succeeded', 'store.unavailable', 'store.recovered']);
  });
});
