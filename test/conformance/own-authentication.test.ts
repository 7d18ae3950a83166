import { chatshipperPolicy } from '@scopeladder/core';
import { createExpressAuth } from '@scopeladder/express';
import scopeladder from '@scopeladder/fastify';
import { createKoaAuth } from '@scopeladder/koa';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { RESOURCE_PATHS } from './fixtures/resources.js';
import { startSession, type Session } from './fixtures/session.js';
import { BROKEN_SESSION, SESSION_COOKIE, signSessionCookie } from './fixtures/session-cookie.js';

// Bring your own authentication: the app's resolvePrincipal reads a signed session cookie
// (fixtures/session-cookie.ts). The matrix and tenancy suites run over it too; this is what its
// failures become, through core's one table, on every adapter.
describe.each(ADAPTERS)('own authentication (resolvePrincipal) on $name', (adapter) => {
  let session: Session;
  const cookie = (value: string) => ({ headers: [['cookie', `${SESSION_COOKIE}=${value}`]] as const });

  beforeAll(async () => {
    session = await startSession(adapter, { authentication: 'session cookie' });
  });
  afterAll(async () => {
    await session.close();
  });

  it("a valid session: the principal resolvePrincipal returned, in req.auth and the guard's list filter", async () => {
    const me = await session.as('agent', '/v2/me');
    expect(me.status, me.text).toBe(200);
    expect(me.json).toEqual({ id: session.world.users.agent.id, scopes: ['agent'] });
  });

  it('no cookie (resolvePrincipal returns null): 401 ERR_AUTH_REQUIRED with a challenge', async () => {
    const reply = await session.send(RESOURCE_PATHS.Conversation);
    expect(reply.status).toBe(401);
    expect(reply.json.code).toBe('ERR_AUTH_REQUIRED');
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  });

  it('a forged cookie (resolvePrincipal throws ERR_TOKEN_INVALID): 401 with its code', async () => {
    // A guest's valid signature under an admin's payload: what a client editing its cookie sends.
    const until = session.world.clock.now() + 60_000;
    const [, guestSignature] = signSessionCookie({ id: session.world.users.guest.id, scopes: ['guest'] }, until).split('.');
    const [adminPayload] = signSessionCookie({ id: session.world.users.guest.id, scopes: ['admin'] }, until).split('.');
    const forged = `${adminPayload}.${guestSignature}`;
    const reply = await session.send(RESOURCE_PATHS.Conversation, cookie(forged));
    expect(reply.status).toBe(401);
    expect(reply.json.code).toBe('ERR_TOKEN_INVALID');
  });

  it('an expired session (resolvePrincipal throws ERR_TOKEN_EXPIRED): 403, as core’s table says', async () => {
    const expired = signSessionCookie({ id: session.world.users.admin.id, scopes: ['admin'] }, session.world.clock.now() - 1);
    const reply = await session.send(RESOURCE_PATHS.Conversation, cookie(expired));
    expect(reply.status).toBe(403);
    expect(reply.json.code).toBe('ERR_TOKEN_EXPIRED');
  });

  it('a session of too low a scope: 403 ERR_INSUFFICIENT_SCOPE from the guard, as with a service', async () => {
    const reply = await session.as('guest', RESOURCE_PATHS.Conversation);
    expect(reply.status).toBe(403);
    expect(reply.json.code).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it('resolvePrincipal failing with a plain Error: the generic 500 ERR_INTERNAL, reported to onError, no detail sent', async () => {
    const before = session.world.reported.length;
    const reply = await session.send(RESOURCE_PATHS.Conversation, cookie(BROKEN_SESSION));
    expect(reply.status).toBe(500);
    expect(reply.json.code).toBe('ERR_INTERNAL');
    expect(reply.text).not.toContain('session store unreachable');
    expect(session.world.reported.length).toBe(before + 1);
  });

  it('no token endpoint is mounted: the token path is not scopeladder’s', async () => {
    const reply = await session.send('/v2/auth/token', { method: 'POST', json: { email: 'a@example.test', password: 'x' } });
    expect(reply.status).not.toBe(200);
    expect(reply.json?.token).toBeUndefined();
  });
});

describe('token routes without the auth service are a TypeError at startup', () => {
  const options = { policy: chatshipperPolicy, resolvePrincipal: () => null };

  it('express and koa: tokenRoutes() and discoveryRoutes() throw, naming resolvePrincipal', () => {
    const express = createExpressAuth(options);
    expect(() => express.tokenRoutes()).toThrow(/^@scopeladder\/express: tokenRoutes: unavailable with resolvePrincipal/);
    expect(() => express.discoveryRoutes({ issuer: 'https://x.test' } as never)).toThrow(TypeError);
    const koa = createKoaAuth(options);
    expect(() => koa.tokenRoutes()).toThrow(/^@scopeladder\/koa: tokenRoutes: unavailable with resolvePrincipal/);
  });

  it('fastify: no token routes by default; asking for them fails the registration', async () => {
    const quiet = Fastify();
    await quiet.register(scopeladder, options);
    await quiet.ready();
    expect(quiet.scopeladder.service).toBeUndefined();
    expect(quiet.scopeladder.policy).toBe(chatshipperPolicy);
    await quiet.close();
    const asking = Fastify();
    await expect(asking.register(scopeladder, { ...options, tokenRoutes: true }).ready()).rejects.toThrow(
      /^@scopeladder\/fastify: tokenRoutes: unavailable with resolvePrincipal/,
    );
  });

  it('both a service and resolvePrincipal: a TypeError', () => {
    expect(() => createExpressAuth({ ...options, service: {} } as never)).toThrow(/not both/);
  });
});
