import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { SECRET_DETAIL } from './fixtures/app-kit.js';
import { startSession, type Session } from './fixtures/session.js';

describe.each(ADAPTERS)('error handling and route selection on $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter);
  });
  afterAll(async () => {
    await session.close();
  });

  it("an application's own error handler takes over where it wants to", async () => {
    const denied = await session.as('guest', '/app/services');
    expect(denied.status).toBe(403);
    expect(denied.json).toEqual({ handledBy: 'app', code: 'ERR_INSUFFICIENT_SCOPE' });
    const anonymous = await session.send('/app/services');
    expect(anonymous.json).toEqual({ handledBy: 'app', code: 'ERR_AUTH_REQUIRED' });
    expect(anonymous.status).toBe(401);
    expect((await session.as('admin', '/app/services')).status).toBe(200);
    // …and leaves every other route to scopeladder's handler.
    const elsewhere = await session.as('guest', '/v2/services');
    expect(elsewhere.json.handledBy).toBeUndefined();
    expect(elsewhere.json.code).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it('an unexpected error → 500 ERR_INTERNAL with a fixed message, reported to onError', async () => {
    const before = session.world.reported.length;
    const reply = await session.send('/v2/boom');
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ code: 'ERR_INTERNAL', message: 'Internal error' });
    expect(reply.text).not.toContain(SECRET_DETAIL);
    expect(session.world.reported.length).toBe(before + 1);
    expect(String(session.world.reported.at(-1))).toContain(SECRET_DETAIL);
  });

  it("an application's own error with status 409 reaches the framework's error handling: 409, no stack", async () => {
    const before = session.world.reported.length;
    // Express's default handler logs each error it answers (outside NODE_ENV=test), just after
    // answering: wait for that line, which shows the error reached it, and keep it out of the output.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const reply = await session.send('/v2/conflict');
      expect(reply.status, reply.text).toBe(409);
      // Not rewritten into one of scopeladder's answers…
      expect(reply.json?.code).toBeUndefined();
      // …and the framework's own answer shows no stack.
      expect(reply.text).not.toMatch(/\bat .*\(|\.ts:\d+/);
      expect(reply.text).not.toContain('ConflictError');
      expect(session.world.reported.length).toBe(before);
      if (adapter.name.startsWith('express')) {
        // Express 5 logs the error, Express 4 its stack: both start "ConflictError: <message>".
        await vi.waitFor(() => expect(String(logged.mock.calls[0]?.[0])).toMatch(/^ConflictError: Conversation already closed/));
      }
    } finally {
      logged.mockRestore();
    }
  });

  it('4xx answers are not reported to onError', async () => {
    const before = session.world.reported.length;
    await session.send('/v2/services');
    await session.as('guest', '/v2/services');
    expect(session.world.reported.length).toBe(before);
  });

  it('a route chosen not to authenticate answers without a token, and ignores a bad one', async () => {
    expect((await session.send('/public/ping')).json).toEqual({ ok: true });
    const withGarbage = await session.send('/public/ping', { headers: [['authorization', 'Basic abc']] });
    expect(withGarbage.status).toBe(200);
  });

  it('an authenticated route without a guard exposes the principal', async () => {
    const reply = await session.as('agent', '/v2/me');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ id: session.world.users.agent.id, scopes: ['agent'] });
    expect((await session.send('/v2/me')).status).toBe(401);
  });

  it('a bot API key authenticates as its bot, with live scopes', async () => {
    const key = await session.world.service.createApiKey(session.world.robot.id, ['bot']);
    const headers = [['authorization', `Bearer ${key.apiKey}`]] as const;
    expect((await session.send('/v2/me', { headers })).json).toEqual({ id: session.world.robot.id, scopes: ['bot'] });
    expect((await session.send('/v2/contacts', { method: 'POST', headers, json: { name: 'c' } })).status).toBe(201);
    session.world.directory.update(session.world.robot.id, { role: 'agent' });
    try {
      const reply = await session.send('/v2/contacts', { method: 'POST', headers, json: { name: 'c' } });
      expect(reply.status).toBe(403);
    } finally {
      session.world.directory.update(session.world.robot.id, { role: 'bot' });
    }
  });
});
