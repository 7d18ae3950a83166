import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyCases, renderBodyTable } from '../support/body-cases.js';
import { ADAPTERS } from './fixtures/adapters.js';
import { BODY_LIMIT } from './fixtures/app-kit.js';
import { startSession, type Session } from './fixtures/session.js';
import { ROLES } from './fixtures/world.js';

const JSON_TYPE = [['content-type', 'application/json']] as const;

function expectClientError(reply: { status: number; json: unknown; text: string; headers: Record<string, unknown> }): void {
  expect(reply.status, reply.text).toBeGreaterThanOrEqual(400);
  expect(reply.status, reply.text).toBeLessThan(500);
  expect(String(reply.headers['content-type'])).toMatch(/^application\/json/);
  expect(reply.json).toMatchObject({ code: expect.stringMatching(/^ERR_/), message: expect.any(String) });
}

describe('the body table', () => {
  it('docs/request-bodies.md shows exactly the table this suite runs (`pnpm tsx test/docs-examples/sync-docs.ts` rewrites it)', () => {
    const doc = readFileSync(new URL('../../docs/request-bodies.md', import.meta.url), 'utf8');
    const shown = /<!-- body-table:start -->\n([\s\S]*?)<!-- body-table:end -->/.exec(doc)?.[1];
    expect(shown).toBe(renderBodyTable());
  });
});

describe.each(ADAPTERS)('request bodies on $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter);
  });
  afterAll(async () => {
    await session.close();
  });

  describe('the body table (docs/request-bodies.md): every framework answers alike', () => {
    it.each(bodyCases(BODY_LIMIT).map((row) => ({ ...row, label: row.name })))('$label → $status $code', async (row) => {
      const organization = session.world.resources.get('User', session.world.users.admin.id)?.organization;
      const conversation = session.world.resources.insert('Conversation', { name: 'target', organization });
      const id = row.id ?? conversation.id;
      const path = row.route === 'create' ? '/v2/conversations' : `/v2/conversations/${id}`;
      const method = { create: 'POST', update: 'PATCH', delete: 'DELETE', fetch: 'GET' }[row.route];
      const reply = await session.as('admin', path, { method, headers: row.headers, ...(row.body === undefined ? {} : { body: row.body }) });
      expect(reply.status, reply.text).toBe(row.status);
      if (row.code === undefined) return;
      expect(String(reply.headers['content-type'])).toMatch(/^application\/json/);
      expect(reply.json).toEqual({ code: row.code, message: expect.any(String) });
      expect(reply.text).not.toMatch(/<html|<pre|\bat \S+ \(|node_modules/i);
      expect(session.world.reported).toEqual([]);
    });

    // The token endpoint reads its (JSON or form) bodies with the same checks: every refusal of the
    // table that is about the body itself gets the same answer there.
    const tokenRows = bodyCases(BODY_LIMIT).filter(
      (row) =>
        row.route === 'create' && row.code !== undefined && row.code !== 'ERR_INVALID_REQUEST' && row.status !== 413 && !row.name.includes('form'),
    );
    it.each(tokenRows.map((row) => ({ ...row, label: row.name })))('the token endpoint: $label → $status $code', async (row) => {
      const reply = await session.send('/v2/auth/token', {
        method: 'POST',
        headers: row.headers,
        ...(row.body === undefined ? {} : { body: row.body }),
      });
      expect(reply.status, reply.text).toBe(row.status);
      expect(reply.json).toEqual({ code: row.code, message: expect.any(String) });
    });

    it('a body sent with GET is never read, whatever its Content-Type (the method takes no body)', async () => {
      const conversation = session.world.resources.insert('Conversation', {
        name: 'target',
        organization: session.world.resources.get('User', session.world.users.admin.id)?.organization,
      });
      // Content-Length framed (a GET without it sends no body: the bytes would start the next request).
      for (const headers of [
        [
          ['content-type', 'text/plain'],
          ['content-length', '1'],
        ],
        [
          ['content-type', 'application/json'],
          ['content-length', '1'],
        ],
      ] as const) {
        const reply = await session.as('admin', `/v2/conversations/${conversation.id}`, { method: 'GET', headers, body: '{' });
        expect(reply.status, reply.text).toBe(200);
      }
    });

    it('after the whole table, including the 6,000-deep body, lists still answer 200 JSON', async () => {
      const reply = await session.as('admin', '/v2/conversations');
      expect(reply.status, reply.text).toBe(200);
      expect(Array.isArray(reply.json)).toBe(true);
    });
  });

  describe('malformed and oversized bodies → 4xx JSON, never 500', () => {
    it.each([['{"name": '], ['{name: 1}'], ['[1, 2'], ['\u0000'], ['{"a":1}}']])('malformed JSON %j on a resource route', async (body) => {
      const reply = await session.as('admin', '/v2/conversations', { method: 'POST', headers: JSON_TYPE, body });
      expectClientError(reply);
      expect(reply.json.code).toBe('ERR_INVALID_REQUEST');
      expect(reply.status).toBe(400);
    });

    it('malformed JSON on the token endpoint', async () => {
      const reply = await session.send('/v2/auth/token', { method: 'POST', headers: JSON_TYPE, body: '{"email": "a@b", ' });
      expectClientError(reply);
      expect(reply.json.code).toBe('ERR_INVALID_REQUEST');
    });

    it("a body over the application's parser limit on a resource route → 413 ERR_PAYLOAD_TOO_LARGE", async () => {
      const body = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT * 2) });
      const reply = await session.as('admin', '/v2/conversations', { method: 'POST', headers: JSON_TYPE, body });
      expectClientError(reply);
      expect(reply.status).toBe(413);
      expect(reply.json).toEqual({ code: 'ERR_PAYLOAD_TOO_LARGE', message: 'Request body too large' });
      expect(reply.headers['www-authenticate']).toBeUndefined();
    });

    it('a body over the token endpoint limit (16 KiB) → 413 ERR_PAYLOAD_TOO_LARGE', async () => {
      const body = JSON.stringify({ email: 'a@example.test', password: 'p'.repeat(20 * 1024) });
      const reply = await session.send('/v2/auth/token', { method: 'POST', headers: JSON_TYPE, body });
      expectClientError(reply);
      expect(reply.status).toBe(413);
      expect(reply.json).toEqual({ code: 'ERR_PAYLOAD_TOO_LARGE', message: 'Request body too large' });
    });

    it('a form body over the token endpoint limit → 413 ERR_PAYLOAD_TOO_LARGE', async () => {
      const body = `refreshToken=${'r'.repeat(20 * 1024)}`;
      const headers = [['content-type', 'application/x-www-form-urlencoded']] as const;
      const reply = await session.send('/v2/auth/token', { method: 'POST', headers, body });
      expect(reply.status, reply.text).toBe(413);
      expect(reply.json.code).toBe('ERR_PAYLOAD_TOO_LARGE');
    });

    it('an unsupported media type on the token endpoint', async () => {
      const reply = await session.send('/v2/auth/token', { method: 'POST', headers: [['content-type', 'text/plain']], body: 'hello' });
      expectClientError(reply);
    });

    it('a JSON array as the body of an update', async () => {
      const reply = await session.as('admin', `/v2/users/${session.world.other.id}`, { method: 'PATCH', json: ['role'] });
      expectClientError(reply);
      expect(reply.json.code).toBe('ERR_INVALID_REQUEST');
    });

    it('the error never echoes the body', async () => {
      const body = '{"password": "hunter2-secret", ';
      const reply = await session.send('/v2/auth/token', { method: 'POST', headers: JSON_TYPE, body });
      expect(reply.text).not.toContain('hunter2');
    });
  });

  describe('field safety: PATCH /v2/users/:id checks the body fields', () => {
    it.each(ROLES)('%s may change its own name', async (role) => {
      const { id } = session.world.users[role];
      const reply = await session.as(role, `/v2/users/${id}`, { method: 'PATCH', json: { name: `${role} renamed` } });
      expect(reply.status, reply.text).toBe(200);
      expect(session.world.resources.get('User', id)?.name).toBe(`${role} renamed`);
    });

    it.each(['guest', 'agent', 'bot'] as const)('%s may not change its own role, nor role with other fields', async (role) => {
      const { id } = session.world.users[role];
      for (const json of [{ role: 'admin' }, { name: 'sneaky', role: 'admin' }, { organization: 'another' }]) {
        const reply = await session.as(role, `/v2/users/${id}`, { method: 'PATCH', json });
        expect(reply.status, reply.text).toBe(403);
        expect(reply.json.code).toBe('ERR_INSUFFICIENT_SCOPE');
        expect(reply.json.requiredScope).toBe('admin');
      }
      expect(session.world.resources.get('User', id)).toMatchObject({ role });
      expect(session.world.resources.get('User', id)?.name).not.toBe('sneaky');
    });

    it('a guest may not change the name of another user', async () => {
      const reply = await session.as('guest', `/v2/users/${session.world.other.id}`, { method: 'PATCH', json: { name: 'x' } });
      expect(reply.status).toBe(403);
    });

    it("an admin may change anyone's role, its own included", async () => {
      const other = await session.as('admin', `/v2/users/${session.world.other.id}`, { method: 'PATCH', json: { role: 'agent' } });
      expect(other.status).toBe(200);
      expect(other.json.role).toBe('agent');
      const own = await session.as('admin', `/v2/users/${session.world.users.admin.id}`, { method: 'PATCH', json: { role: 'admin' } });
      expect(own.status).toBe(200);
    });

    it('GET of one\'s own record and of another\'s (the "(self)" rows)', async () => {
      const { guest } = session.world.users;
      const own = await session.as('guest', `/v2/users/${guest.id}`);
      expect(own.status).toBe(200);
      expect(own.json).toMatchObject({ id: guest.id, email: guest.email });
      expect((await session.as('guest', `/v2/users/${session.world.other.id}`)).status).toBe(403);
    });
  });
});
