// ChatShipper's own Node SDK, `chipchat` 0.7.4 (the real package, a devDependency), against the
// built server with CLIENT_COMPAT=chatshipper-sdk on each framework: CRUD of conversations,
// contacts and users, a list paged across several pages (`Link: <…>; rel="next"`, followed by
// got's pagination), and the SDK's automatic refresh when its 2 s access token expires.
import { createRequire } from 'node:module';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './http-client.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

/** The part of chipchat's API the test uses (the package ships no types). */
interface Resource {
  list(options?: Record<string, unknown>): Promise<Array<Record<string, unknown>>>;
  get(id: string): Promise<Record<string, unknown>>;
  create(body: Record<string, unknown>): Promise<Record<string, unknown>>;
  update(id: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  delete(id: string): Promise<unknown>;
}
interface ChipChatClient {
  readonly auth: { readonly user?: string; readonly token?: string; readonly refreshToken?: string };
  readonly conversations: Resource;
  readonly contacts: Resource;
  readonly users: Resource;
  readonly orggroups: Resource;
  on(event: 'token', listener: (token: string) => void): void;
}
type ChipChatConstructor = new (options: { host: string; token: string; refreshToken: string; email: string }) => ChipChatClient;

const ChipChat = createRequire(import.meta.url)('chipchat') as ChipChatConstructor;

const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
const ADMIN = { email: 'admin@example.com', password: 'sdk-password-1' };
const TTL_MS = 2_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What the SDK rejects with on an error answer: got's error, its message taken from `body.error.message`. */
async function rejection(promise: Promise<unknown>): Promise<{ statusCode?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { statusCode?: number; message: string };
  }
  throw new Error('expected the SDK call to fail');
}

let build: Build;
beforeAll(() => {
  build = buildServer();
});
afterAll(() => build?.remove());

describe.each(FRAMEWORKS)('chipchat 0.7.4 against the server on %s (CLIENT_COMPAT=chatshipper-sdk)', (framework) => {
  let server: ServerProcess;
  let sdk: ChipChatClient;
  let userId: string;
  const refreshed: string[] = [];

  beforeAll(async () => {
    server = await startServerProcess(build.main, {
      PORT: '0',
      FRAMEWORK: framework,
      CLIENT_COMPAT: 'chatshipper-sdk',
      ACCESS_TOKEN_TTL: '2s',
      JWT_ALGORITHM: 'EdDSA',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    // How a ChatShipper integration gets its first tokens: the documented login.
    const login = await request(server.baseUrl, 'POST', '/v2/auth/token', { body: ADMIN });
    expect(login.status).toBe(200);
    userId = login.body.user as string;
    sdk = new ChipChat({ host: server.baseUrl, token: login.body.token, refreshToken: login.body.refreshToken, email: ADMIN.email });
    sdk.on('token', (token) => refreshed.push(token));
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('reads the user id from _id and keeps its refresh token (the expanded scope names admin)', () => {
    expect(sdk.auth.user).toBe(userId);
    expect(sdk.auth.refreshToken).toEqual(expect.any(String));
    expect(decodeJwt(sdk.auth.token ?? '')).toMatchObject({ _id: userId, sub: userId, scope: 'viewer guest agent bot admin' });
  });

  it.each([
    ['conversations', { name: 'Support chat' }, { name: 'Support chat (closed)' }],
    ['contacts', { name: 'Ada Lovelace', email: 'ada@example.com' }, { name: 'Ada King' }],
    ['users', { email: `agent-${Date.now()}@example.com`, password: 'agent-password-1', role: 'agent', name: 'Alan' }, { name: 'Alan T.' }],
  ] as const)(
    'creates, gets, updates, lists and deletes %s',
    async (resource, created, patch) => {
      const api = sdk[resource];
      const record = await api.create({ ...created });
      const id = record['id'] as string;
      expect(id).toMatch(/^[0-9a-f]{24}$/);
      expect(record).toMatchObject(resource === 'users' ? { email: created.email, role: 'agent' } : created);
      expect(await api.get(id)).toMatchObject({ id });
      expect(await api.update(id, { ...patch })).toMatchObject({ id, ...patch });
      expect((await api.get(id))['name']).toBe(patch.name);
      expect((await api.list()).map((item) => item['id'])).toContain(id);
      await api.delete(id);
      // The SDK reads every error's message from body.error.message.
      const missing = await rejection(api.get(id));
      expect(missing.statusCode).toBe(404);
      expect(missing.message).not.toMatch(/^Response code/);
      expect((await api.list()).map((item) => item['id'])).not.toContain(id);
    },
    30_000,
  );

  it('pages a list across several pages by following Link: rel="next" (/v2/orggroups)', async () => {
    const names = ['North', 'South', 'East', 'West', 'Center'];
    const ids = [];
    for (const name of names) ids.push((await sdk.orggroups.create({ name }))['id']);
    const listed = (): number =>
      server
        .stdout()
        .split('\n')
        .filter((line) => line.includes('"method":"GET","path":"/v2/orggroups"')).length;
    const before = listed();
    const all = await sdk.orggroups.list({ pagination: { limit: 2, backoff: 1 } });
    // The request lines are written once each answer is sent: give the last one a moment.
    for (let waited = 0; listed() - before < Math.ceil(all.length / 2) && waited < 2_000; waited += 50) await sleep(50);
    const pages = listed() - before;
    expect(all.map((group) => group['id'])).toEqual(expect.arrayContaining(ids));
    expect(new Set(all.map((group) => group['id'])).size).toBe(all.length);
    // At least 5 groups, 2 a page: 3 pages or more, each a request the SDK made by itself.
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(all.length / 2));
    expect(pages).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('refreshes by itself when its access token expires, and its calls go on working', async () => {
    const token = sdk.auth.token ?? '';
    const count = refreshed.length;
    await sleep(TTL_MS + 1_000);
    // What the SDK is answered with the expired token: 401 and the message it looks for.
    const expired = await request(server.baseUrl, 'GET', '/v2/contacts', { token });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: { code: 'ERR_TOKEN_EXPIRED', message: 'jwt expired' } });

    const contact = await sdk.contacts.create({ name: 'After the refresh' });
    expect(refreshed.length).toBeGreaterThan(count);
    expect(sdk.auth.token).not.toBe(token);
    expect(await sdk.contacts.get(contact['id'] as string)).toMatchObject({ name: 'After the refresh' });
    expect((await sdk.conversations.list()).length).toBeGreaterThanOrEqual(0);
    // And again, past the new token's lifetime.
    await sleep(TTL_MS + 1_000);
    await sdk.contacts.delete(contact['id'] as string);
    expect(refreshed.length).toBeGreaterThan(count + 1);
  }, 30_000);

  it('answers an invalid token in the shape and words the SDK reads', async () => {
    const invalid = await request(server.baseUrl, 'GET', '/v2/contacts', { token: 'not-a-token' });
    expect(invalid.status).toBe(401);
    expect(invalid.body).toEqual({ error: { code: 'ERR_TOKEN_INVALID', message: 'invalid token' } });
    const denied = await request(server.baseUrl, 'GET', '/v2/contacts');
    expect(denied.status).toBe(401);
    expect(denied.body.error).toMatchObject({ code: 'ERR_AUTH_REQUIRED' });
  });
});
