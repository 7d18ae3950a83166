// The credential and authenticate channels, published by the service's operations: each event
// fires once per operation, with the documented shape, and only what the table promises.
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../create-memory-store.js';
import { IDS, ORG, PASSWORD, expectCode, setup } from '../test-fixtures.js';
import { AUTHENTICATE_CHANNEL, CREDENTIAL_CHANNEL, type AuthenticateMessage, type CredentialEvent } from './index.js';

let credential: CredentialEvent[];
let authenticated: AuthenticateMessage[];
const onCredential = (message: unknown): void => void credential.push(message as CredentialEvent);
const onAuthenticate = (message: unknown): void => void authenticated.push(message as AuthenticateMessage);

beforeEach(() => {
  credential = [];
  authenticated = [];
  subscribe(CREDENTIAL_CHANNEL, onCredential);
  subscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
});
afterEach(() => {
  unsubscribe(CREDENTIAL_CHANNEL, onCredential);
  unsubscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
});

const SOURCE = '203.0.113.7';

describe('scopeladder:credential', () => {
  it('login.succeeded: once, with the user, the session (the token sid), the organization and the source', async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD }, { source: SOURCE });
    const sid = JSON.parse(Buffer.from(session.token.split('.')[1] as string, 'base64url').toString())['sid'] as string;
    expect(credential).toEqual([{ version: 1, type: 'login.succeeded', userId: IDS.agent, sessionId: sid, organization: ORG, source: SOURCE }]);
  });

  it('login.failed: unknown user, wrong password, each once, with its cause and no email', async () => {
    const { auth } = await setup();
    await expectCode(auth.login({ email: 'nobody@example.com', password: PASSWORD }, { source: SOURCE }), 'ERR_INVALID_CREDENTIALS');
    await expectCode(auth.login({ email: 'agent@example.com', password: 'wrong password' }), 'ERR_INVALID_CREDENTIALS');
    expect(credential).toEqual([
      { version: 1, type: 'login.failed', userId: null, cause: 'unknown_user', code: 'ERR_INVALID_CREDENTIALS', source: SOURCE },
      { version: 1, type: 'login.failed', userId: IDS.agent, cause: 'password', code: 'ERR_INVALID_CREDENTIALS', source: null },
    ]);
    expect(JSON.stringify(credential)).not.toContain('example.com');
  });

  it('login.failed (organization): the right password for an organization the user does not reach', async () => {
    const { auth } = await setup();
    await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD, organization: 'elsewhere' }), 'ERR_INVALID_CREDENTIALS');
    expect(credential).toEqual([
      { version: 1, type: 'login.failed', userId: IDS.agent, cause: 'organization', code: 'ERR_INVALID_CREDENTIALS', source: null },
    ]);
  });

  it('login.failed (changed): the user deleted while the password was checked', async () => {
    const { auth, directory } = await setup();
    const { findById } = directory;
    let reads = 0;
    directory.findById = async (id) => (++reads === 1 ? null : findById.call(directory, id));
    await expectCode(auth.login({ email: 'agent@example.com', password: PASSWORD }), 'ERR_INVALID_CREDENTIALS');
    expect(credential).toEqual([
      { version: 1, type: 'login.failed', userId: IDS.agent, cause: 'changed', code: 'ERR_INVALID_CREDENTIALS', source: null },
    ]);
  });

  it('throttle.engaged once when a counter goes over its limit, then login.failed (throttled) per refused attempt', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 2 } });
    const attempt = () => auth.login({ email: 'agent@example.com', password: 'wrong password' }, { source: SOURCE });
    await expectCode(attempt(), 'ERR_INVALID_CREDENTIALS');
    await expectCode(attempt(), 'ERR_INVALID_CREDENTIALS');
    credential.length = 0;
    await expectCode(attempt(), 'ERR_LOGIN_THROTTLED');
    await expectCode(attempt(), 'ERR_LOGIN_THROTTLED');
    expect(credential).toEqual([
      { version: 1, type: 'throttle.engaged', counter: 'email_and_source', limit: 2, retryAfter: 900, source: SOURCE },
      { version: 1, type: 'login.failed', userId: null, cause: 'throttled', code: 'ERR_LOGIN_THROTTLED', source: SOURCE },
      { version: 1, type: 'login.failed', userId: null, cause: 'throttled', code: 'ERR_LOGIN_THROTTLED', source: SOURCE },
    ]);
  });

  it('throttle.engaged names the counter that refused: source, email, and the pair of a known source', async () => {
    const engaged = (): unknown[] => credential.filter((event) => event.type === 'throttle.engaged');
    const wrong = (email: string, source: string) => ({ email, password: 'wrong password', source });
    const cases = [
      // One source, two accounts: the per-source counter.
      {
        throttle: { maxFailuresPerSource: 1 },
        attempts: [wrong('agent@example.com', SOURCE), wrong('admin@example.com', SOURCE)],
        counter: 'source',
      },
      // One account, two sources: the per-email counter.
      {
        throttle: { maxFailuresPerEmail: 1 },
        attempts: [wrong('agent@example.com', SOURCE), wrong('agent@example.com', '198.51.100.9')],
        counter: 'email',
      },
    ] as const;
    for (const { throttle, attempts, counter } of cases) {
      const { auth } = await setup({ throttle });
      credential.length = 0;
      const [first, second] = attempts;
      await expectCode(auth.login({ email: first.email, password: first.password }, { source: first.source }), 'ERR_INVALID_CREDENTIALS');
      await expectCode(auth.login({ email: second.email, password: second.password }, { source: second.source }), 'ERR_LOGIN_THROTTLED');
      expect(engaged()).toEqual([{ version: 1, type: 'throttle.engaged', counter, limit: 1, retryAfter: 900, source: second.source }]);
    }
    // A known pair (it logged in from there) is counted by its pair counter only.
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 1 } });
    await auth.login({ email: 'agent@example.com', password: PASSWORD }, { source: SOURCE });
    credential.length = 0;
    const attempt = () => auth.login({ email: 'agent@example.com', password: 'wrong password' }, { source: SOURCE });
    await expectCode(attempt(), 'ERR_INVALID_CREDENTIALS');
    await expectCode(attempt(), 'ERR_LOGIN_THROTTLED');
    expect(engaged()).toEqual([{ version: 1, type: 'throttle.engaged', counter: 'email_and_source', limit: 1, retryAfter: 900, source: SOURCE }]);
  });

  it('a store failing at the throttle is not a throttled login: no login.failed', async () => {
    const store = createMemoryStore();
    store.hit = () => Promise.reject(new Error('connection lost'));
    const { auth } = await setup({ store });
    await expectCode(auth.login({ email: 'agent@example.com', password: 'wrong password' }, { source: SOURCE }), 'ERR_STORE_UNAVAILABLE');
    expect(credential.filter((event) => event.type === 'login.failed')).toEqual([]);
  });

  it('refresh.succeeded once per rotation; a replay publishes refresh.reused (family revoked) once', async () => {
    const { auth } = await setup();
    const first = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const [login] = credential as [Extract<CredentialEvent, { type: 'login.succeeded' }>];
    credential.length = 0;
    await auth.refresh(first.refreshToken);
    expect(credential).toEqual([{ version: 1, type: 'refresh.succeeded', userId: IDS.agent, sessionId: login.sessionId, organization: ORG }]);
    credential.length = 0;
    await expectCode(auth.refresh(first.refreshToken), 'ERR_REFRESH_REUSED');
    expect(credential).toEqual([{ version: 1, type: 'refresh.reused', userId: IDS.agent, sessionId: login.sessionId, familyRevoked: true }]);
    credential.length = 0;
    await expectCode(auth.refresh('not a refresh token'), 'ERR_REFRESH_INVALID');
    expect(credential).toEqual([]);
  });

  it('logout once, with the user and the session; sessions.ended with the count and the session kept', async () => {
    const { auth } = await setup();
    const one = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const sessions = credential.map((event) => (event as { sessionId: string }).sessionId);
    credential.length = 0;
    await auth.logout(one.token);
    expect(credential).toEqual([{ version: 1, type: 'logout', userId: IDS.agent, sessionId: sessions[0] }]);
    credential.length = 0;
    const ended = await auth.endSessionsOfUser(IDS.agent, { except: sessions[2] as string });
    expect(ended).toBeGreaterThanOrEqual(1);
    expect(credential).toEqual([{ version: 1, type: 'sessions.ended', userId: IDS.agent, count: ended, kept: sessions[2] }]);
    credential.length = 0;
    await auth.endSessionsOfUser(IDS.guest);
    expect(credential).toEqual([{ version: 1, type: 'sessions.ended', userId: IDS.guest, count: 0, kept: null }]);
  });

  it('apikey.created (id, bot, scopes, organization; never the key) and apikey.revoked by id and by user', async () => {
    const { auth } = await setup();
    const created = await auth.createApiKey(IDS.bot, ['bot']);
    expect(credential).toEqual([{ version: 1, type: 'apikey.created', keyId: created.id, userId: IDS.bot, scopes: ['bot'], organization: ORG }]);
    expect(JSON.stringify(credential)).not.toContain(created.apiKey);
    credential.length = 0;
    await auth.revokeApiKey(created.id);
    await auth.revokeApiKey(created.id);
    await auth.createApiKey(IDS.bot, ['bot']);
    await auth.createApiKey(IDS.bot, ['bot']);
    credential.length = 0;
    await auth.revokeApiKeysOfUser(IDS.bot);
    expect(credential).toEqual([{ version: 1, type: 'apikey.revoked', keyId: null, userId: IDS.bot, count: 2 }]);
  });

  it('apikey.revoked by id: count 1, then 0 for a key already gone', async () => {
    const { auth } = await setup();
    const created = await auth.createApiKey(IDS.bot, ['bot']);
    credential.length = 0;
    await auth.revokeApiKey(created.id);
    await auth.revokeApiKey(created.id);
    expect(credential).toEqual([
      { version: 1, type: 'apikey.revoked', keyId: created.id, userId: null, count: 1 },
      { version: 1, type: 'apikey.revoked', keyId: created.id, userId: null, count: 0 },
    ]);
  });

  it('store.unavailable once when the store fails (however many calls fail), store.recovered once when it answers again', async () => {
    const store = createMemoryStore();
    let down = false;
    const { isFamilyRevoked, findApiKey } = store;
    store.isFamilyRevoked = (...args) => (down ? Promise.reject(new Error('connection lost')) : isFamilyRevoked.apply(store, args));
    store.findApiKey = (...args) => (down ? Promise.reject(new Error('connection lost')) : findApiKey.apply(store, args));
    const { auth } = await setup({ store });
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    credential.length = 0;
    down = true;
    await expectCode(auth.authenticate(`Bearer ${session.token}`), 'ERR_STORE_UNAVAILABLE');
    await expectCode(auth.authenticate(`Bearer ${'a'.repeat(32)}`), 'ERR_STORE_UNAVAILABLE');
    expect(credential).toEqual([{ version: 1, type: 'store.unavailable' }]);
    down = false;
    await auth.authenticate(`Bearer ${session.token}`);
    await auth.authenticate(`Bearer ${session.token}`);
    expect(credential).toEqual([
      { version: 1, type: 'store.unavailable' },
      { version: 1, type: 'store.recovered' },
    ]);
  });

  it('publishes nothing when nobody subscribes, and the operations answer the same', async () => {
    unsubscribe(CREDENTIAL_CHANNEL, onCredential);
    const { auth } = await setup();
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await auth.refresh(session.refreshToken);
    expect(credential).toEqual([]);
    subscribe(CREDENTIAL_CHANNEL, onCredential);
  });
});

describe('scopeladder:authenticate', () => {
  it('an access token: ok, user, organization, session, a duration; once per call (cached or not)', async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await auth.authenticate(`Bearer ${session.token}`);
    await auth.authenticate(`Bearer ${session.token}`);
    expect(authenticated).toHaveLength(2);
    for (const message of authenticated) {
      expect(message).toEqual({
        version: 1,
        ok: true,
        credential: 'jwt',
        code: null,
        principalId: IDS.agent,
        principalKind: 'user',
        organization: ORG,
        sessionId: expect.any(String),
        keyId: null,
        durationMs: expect.any(Number),
      });
      expect(message.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('an API key: ok, the bot, its key id (never the key)', async () => {
    const { auth } = await setup();
    const created = await auth.createApiKey(IDS.bot, ['bot']);
    await auth.authenticate(`Bearer ${created.apiKey}`);
    expect(authenticated).toEqual([
      expect.objectContaining({ ok: true, credential: 'apiKey', principalId: IDS.bot, principalKind: 'bot', keyId: created.id, sessionId: null }),
    ]);
    expect(JSON.stringify(authenticated)).not.toContain(created.apiKey);
  });

  it.each([
    [undefined, null, 'ERR_AUTH_REQUIRED'],
    ['Basic abc', null, 'ERR_AUTH_SCHEME'],
    ['Bearer nope', null, 'ERR_TOKEN_INVALID'],
    [`Bearer ${'a'.repeat(32)}`, 'apiKey', 'ERR_API_KEY_INVALID'],
    [`Bearer ${'ab'.repeat(20)}`, 'apiKey', 'ERR_API_KEY_INVALID'],
    ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'jwt', 'ERR_TOKEN_INVALID'],
  ] as const)('a failure (%s): once, with the credential kind (%s) and the code (%s), no principal', async (header, kind, code) => {
    const { auth } = await setup();
    await expectCode(auth.authenticate(header), code);
    expect(authenticated).toEqual([
      {
        version: 1,
        ok: false,
        credential: kind,
        code,
        principalId: null,
        principalKind: null,
        organization: null,
        sessionId: null,
        keyId: null,
        durationMs: expect.any(Number),
      },
    ]);
  });

  it("publishes in the caller's async context: a request's AsyncLocalStorage store is readable in the subscriber", async () => {
    const { auth } = await setup();
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    const requestIds = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const onMessage = (): void => void seen.push(requestIds.getStore());
    subscribe(AUTHENTICATE_CHANNEL, onMessage);
    subscribe(CREDENTIAL_CHANNEL, onMessage);
    try {
      await requestIds.run('req-1', () => auth.authenticate(`Bearer ${session.token}`));
      await requestIds.run('req-2', () => auth.logout(session.token));
    } finally {
      unsubscribe(AUTHENTICATE_CHANNEL, onMessage);
      unsubscribe(CREDENTIAL_CHANNEL, onMessage);
    }
    expect(seen).toEqual(['req-1', 'req-2']);
  });

  it('an expired and a revoked access token: their codes', async () => {
    const { auth, clock } = await setup();
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    await auth.logout(session.token);
    await expectCode(auth.authenticate(`Bearer ${session.token}`), 'ERR_TOKEN_REVOKED');
    const other = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    clock.advance(25 * 3600 * 1000);
    await expectCode(auth.authenticate(`Bearer ${other.token}`), 'ERR_TOKEN_EXPIRED');
    expect(authenticated.map((message) => [message.ok, message.credential, message.code])).toEqual([
      [false, 'jwt', 'ERR_TOKEN_REVOKED'],
      [false, 'jwt', 'ERR_TOKEN_EXPIRED'],
    ]);
  });
});
