import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOC_EXAMPLES, ROOT, includedBlock } from './docs-blocks.js';
import * as expressExample from './express.js';
import * as fastifyExample from './fastify.js';
import * as koaExample from './koa.js';

describe('docs pages include their examples verbatim', () => {
  it.each(DOC_EXAMPLES)('$doc includes $example (fix: pnpm tsx test/docs-examples/sync-docs.ts)', ({ doc, example }) => {
    expect(includedBlock(doc, example)).toBe(readFileSync(ROOT + example, 'utf8'));
  });
});

const OPTIONS = {
  adminEmail: 'admin@example.test',
  adminPassword: 'docs-admin-password-0123',
  jwtSecret: 'docs-example-secret-docs-example-secret-0123',
};

async function listenOn(listener: RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const EXAMPLES = [
  {
    name: 'express',
    start: async () => listenOn((await expressExample.createApp(OPTIONS)).app),
  },
  {
    name: 'fastify',
    start: async () => {
      const { app } = await fastifyExample.createApp(OPTIONS);
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      return { url, close: () => app.close() };
    },
  },
  {
    name: 'koa',
    start: async () => listenOn((await koaExample.createApp(OPTIONS)).app.callback()),
  },
];

describe.each(EXAMPLES)('the $name example runs as documented', ({ start }) => {
  let running: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    running = await start();
  });
  afterAll(async () => {
    await running.close();
  });

  const call = async (path: string, init: { method?: string; token?: string; json?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(running.url + path, {
      method: init.method ?? 'GET',
      headers,
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
  };
  const login = async (email: string, password: string) => {
    const reply = await call('/v2/auth/token', { method: 'POST', json: { email, password } });
    expect(reply.status).toBe(200);
    return reply.body as { token: string; refreshToken: string; user: string; scope: string };
  };

  it('serves public routes, guards the rest, and issues, refreshes and honours tokens', async () => {
    expect((await call('/health')).body).toEqual({ ok: true });
    expect((await call('/v2/conversations')).status).toBe(401);

    const admin = await login(OPTIONS.adminEmail, OPTIONS.adminPassword);
    expect(admin.scope).toBe('admin');
    const created = await call('/v2/users', {
      method: 'POST',
      token: admin.token,
      json: { email: 'gina@example.test', password: 'gina-password-0123', role: 'guest' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'gina@example.test', role: 'guest', id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    expect(created.body).not.toHaveProperty('passwordHash');
    const bad = await call('/v2/users', { method: 'POST', token: admin.token, json: { email: 'x@example.test', password: 'p', role: 'root' } });
    expect(bad.status).toBe(400);

    const guest = await login('gina@example.test', 'gina-password-0123');
    expect((await call(`/v2/users/${guest.user}`, { token: guest.token })).body).toMatchObject({ email: 'gina@example.test', role: 'guest' });
    expect((await call(`/v2/users/${admin.user}`, { token: guest.token })).status).toBe(403);
    const rename = await call(`/v2/users/${guest.user}`, { method: 'PATCH', token: guest.token, json: { email: 'gina2@example.test' } });
    expect(rename.status).toBe(200);
    expect(rename.body?.email).toBe('gina2@example.test');
    const promote = await call(`/v2/users/${guest.user}`, { method: 'PATCH', token: guest.token, json: { role: 'admin' } });
    expect(promote.status).toBe(403);
    expect(promote.body?.code).toBe('ERR_INSUFFICIENT_SCOPE');

    expect((await call('/v2/conversations', { token: guest.token })).status).toBe(403);
    expect((await call('/v2/conversations', { method: 'POST', token: admin.token, json: { topic: 'hello' } })).status).toBe(201);
    expect((await call('/v2/conversations', { token: admin.token })).body).toEqual([{ id: expect.any(String), topic: 'hello' }]);

    const refreshed = await call(`/v2/auth/token?refreshToken=${encodeURIComponent(guest.refreshToken)}`);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body?.refreshToken).not.toBe(guest.refreshToken);
  });

  it('ends the sessions of a demoted or deleted user: the old tokens are refused at once', async () => {
    const admin = await login(OPTIONS.adminEmail, OPTIONS.adminPassword);
    const created = await call('/v2/users', {
      method: 'POST',
      token: admin.token,
      json: { email: 'dora@example.test', password: 'dora-password-0123', role: 'admin' },
    });
    expect(created.status).toBe(201);
    const dora = await login('dora@example.test', 'dora-password-0123');
    expect(dora.scope).toBe('admin');
    expect((await call('/v2/conversations', { token: dora.token })).status).toBe(200);

    // Demoted: the admin token issued before is refused, and so is its refresh token.
    const demote = await call(`/v2/users/${dora.user}`, { method: 'PATCH', token: admin.token, json: { role: 'guest' } });
    expect(demote.status).toBe(200);
    expect(demote.body?.role).toBe('guest');
    const stale = await call('/v2/conversations', { token: dora.token });
    expect(stale.status).toBe(401);
    expect(stale.body?.code).toBe('ERR_TOKEN_REVOKED');
    const staleRefresh = await call(`/v2/auth/token?refreshToken=${encodeURIComponent(dora.refreshToken)}`);
    expect(staleRefresh.status).toBe(401);
    // Logging in again works at once and gives the new role.
    const demoted = await login('dora@example.test', 'dora-password-0123');
    expect(demoted.scope).toBe('guest');
    expect((await call('/v2/conversations', { token: demoted.token })).status).toBe(403);
    // A role outside the ladder is refused, and an update that keeps the role ends nothing.
    expect((await call(`/v2/users/${dora.user}`, { method: 'PATCH', token: admin.token, json: { role: 'root' } })).status).toBe(400);
    const rename = await call(`/v2/users/${dora.user}`, {
      method: 'PATCH',
      token: admin.token,
      json: { email: 'dora2@example.test', role: 'guest' },
    });
    expect(rename.status).toBe(200);
    expect((await call(`/v2/users/${dora.user}`, { token: demoted.token })).status).toBe(200);

    // Deleted: 204, then its token is refused and the record is gone.
    const deleted = await call(`/v2/users/${dora.user}`, { method: 'DELETE', token: admin.token });
    expect(deleted.status).toBe(204);
    const gone = await call(`/v2/users/${dora.user}`, { token: demoted.token });
    expect(gone.status).toBe(401);
    expect(gone.body?.code).toBe('ERR_TOKEN_REVOKED');
    expect((await call(`/v2/users/${dora.user}`, { token: admin.token })).status).toBe(404);
    expect((await call(`/v2/users/${dora.user}`, { method: 'DELETE', token: admin.token })).status).toBe(404);
  });

  it('refuses an anonymous client before reading its body', async () => {
    const response = await fetch(`${running.url}/v2/conversations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"a":${'['.repeat(100)}${']'.repeat(100)}}`, // too deep: a 400 if it were read
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { code: string }).code).toBe('ERR_AUTH_REQUIRED');
  });

  it("answers an unknown route with the JSON 404 of core's table", async () => {
    const admin = await login(OPTIONS.adminEmail, OPTIONS.adminPassword);
    const reply = await call('/v2/no-such-route', { token: admin.token });
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});

/** The curl block of a framework page's "Try it" (the block after its start command). */
function tryItBlock(doc: string): string {
  const text = readFileSync(ROOT + doc, 'utf8');
  const start = text.indexOf('Try it: start the example');
  const block = [...text.slice(start).matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!).find((code) => code.includes('curl'));
  if (start === -1 || block === undefined) throw new Error(`${doc} has no "Try it" curl block`);
  return block;
}

describe.each(EXAMPLES.map((example, index) => ({ ...example, doc: DOC_EXAMPLES[index]!.doc })))(
  'the "Try it" block of $doc answers as its comments say',
  ({ start, doc }) => {
    it('logs in, lists, creates, and is refused without a token', async () => {
      const running = await start();
      try {
        const script = tryItBlock(doc)
          .replaceAll('http://127.0.0.1:3000', running.url)
          .replaceAll('<printed password>', OPTIONS.adminPassword)
          .replaceAll('admin@example.com', OPTIONS.adminEmail); // the started example's admin (the tests' own)
        const output = await new Promise<string>((resolve, reject) => {
          execFile('bash', ['-euo', 'pipefail', '-c', script], { timeout: 15_000 }, (error, stdout, stderr) =>
            error ? reject(new Error(`${String(error)}\n${stderr}`)) : resolve(stdout),
          );
        });
        expect(output).toMatch(/^\[\]\{"id":"[0-9a-f]{24}","topic":"hello"\}HTTP\/1\.1 401 /);
        expect(output).toMatch(/\r\nwww-authenticate: Bearer realm="scopeladder"\r\n/i);
      } finally {
        await running.close();
      }
    });
  },
);
