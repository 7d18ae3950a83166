// Interop on every adapter: the `formatError` option (error bodies shaped, status and headers
// core's) and the discovery routes (JWKS, RFC 8414, RFC 9728 with `resource_metadata` challenges).
import type { HttpErrorResult } from '@scopeladder/core';
import type { ErrorBodyFormatter } from '@scopeladder/tokens/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { SECRET_DETAIL } from './fixtures/app-kit.js';
import type { Reply, SendOptions } from './fixtures/http.js';
import { startSession, type Session } from './fixtures/session.js';

const DAY_MS = 24 * 60 * 60 * 1000;
// ChatShipper's SDK: `body.error.message`, with its own wording where it has one.
const SDK_MESSAGES: Readonly<Record<string, string>> = { ERR_TOKEN_EXPIRED: 'jwt expired', ERR_TOKEN_INVALID: 'invalid token' };
const sdkShape = (answer: HttpErrorResult): unknown => ({
  error: { code: answer.body.code, message: SDK_MESSAGES[answer.body.code] ?? answer.body.message },
});

// Every kind of error an adapter answers: authentication, guard, token endpoint, body, 500.
const ERROR_REQUESTS: readonly { name: string; path: string; options?: SendOptions; as?: 'guest' }[] = [
  { name: 'no credentials', path: '/v2/me' },
  { name: 'a malformed token', path: '/v2/me', options: { headers: [['authorization', 'Bearer not.a.jwt']] } },
  { name: 'a guard denial', path: '/v2/services', as: 'guest' },
  {
    name: 'a wrong password at the token endpoint',
    path: '/v2/auth/token',
    options: { method: 'POST', json: { email: 'nobody@example.test', password: 'wrong-password-0123' } },
  },
  { name: 'a malformed token request', path: '/v2/auth/token', options: { method: 'POST', json: { email: 42 } } },
  {
    name: 'a malformed JSON body',
    path: '/v2/services',
    as: 'guest',
    options: { method: 'POST', body: '{"name":', headers: [['content-type', 'application/json']] },
  },
  { name: 'an unexpected error (500)', path: '/v2/boom' },
];

describe.each(ADAPTERS)('formatError on $name', (adapter) => {
  let plain: Session;
  let shaped: Session;
  let seen: unknown[];
  beforeAll(async () => {
    seen = [];
    plain = await startSession(adapter, { expiredTokenStatus: 401 });
    shaped = await startSession(adapter, {
      expiredTokenStatus: 401,
      formatError: (answer, error) => {
        seen.push(error);
        return sdkShape(answer);
      },
    });
  });
  afterAll(async () => {
    await Promise.all([plain.close(), shaped.close()]);
  });

  const ask = (session: Session, request: (typeof ERROR_REQUESTS)[number]): Promise<Reply> =>
    request.as === undefined ? session.send(request.path, request.options) : session.as(request.as, request.path, request.options);

  it.each(ERROR_REQUESTS)("shapes the body of $name; status and headers stay core's", async (request) => {
    const [core, reply] = await Promise.all([ask(plain, request), ask(shaped, request)]);
    expect(core.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBe(core.status);
    for (const header of ['www-authenticate', 'cache-control', 'retry-after', 'content-type'])
      expect(reply.headers[header], header).toBe(core.headers[header]);
    expect(reply.json, reply.text).toEqual(sdkShape({ status: core.status, headers: {}, body: core.json }));
    expect(reply.text).not.toContain(SECRET_DETAIL);
  });

  it('answers an expired token 401 "jwt expired" (expiredTokenStatus: 401), and hands the formatter the error caught', async () => {
    shaped.world.clock.advance(DAY_MS + 60_000);
    try {
      const before = seen.length;
      const reply = await shaped.as('admin', '/v2/me');
      expect(reply.status).toBe(401);
      expect(reply.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      expect(reply.json).toEqual({ error: { code: 'ERR_TOKEN_EXPIRED', message: 'jwt expired' } });
      expect(seen.slice(before)).toMatchObject([{ code: 'ERR_TOKEN_EXPIRED' }]);
    } finally {
      shaped.world.clock.advance(-(DAY_MS + 60_000));
    }
  });

  it("keeps core's body when the formatter throws, and reports what it threw", async () => {
    const failing = await startSession(adapter, {
      formatError: () => {
        throw new Error(`formatter bug ${SECRET_DETAIL}`);
      },
    });
    try {
      const reply = await failing.send('/v2/me');
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ code: 'ERR_AUTH_REQUIRED', message: expect.any(String) });
      expect(reply.text).not.toContain(SECRET_DETAIL);
      expect(failing.world.reported.map(String)).toEqual([`Error: formatter bug ${SECRET_DETAIL}`]);
    } finally {
      await failing.close();
    }
  });

  it('writes any JSON value as JSON, a string included', async () => {
    const formatError: ErrorBodyFormatter = ({ body }) => body.message;
    const session = await startSession(adapter, { formatError });
    try {
      const reply = await session.as('guest', '/v2/services');
      expect(reply.status).toBe(403);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(reply.json).toEqual(expect.any(String));
    } finally {
      await session.close();
    }
  });
});

const ISSUER = 'https://api.example.test';
const RESOURCE_METADATA = `${ISSUER}/.well-known/oauth-protected-resource`;

describe.each(ADAPTERS)('discovery routes on $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter, {
      resourceMetadataUrl: RESOURCE_METADATA,
      discovery: { issuer: ISSUER, protectedResource: { resource: ISSUER } },
    });
  });
  afterAll(async () => {
    await session.close();
  });

  it('serves the JWKS, publicly and cacheably', async () => {
    const reply = await session.send('/.well-known/jwks.json');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['cache-control']).toBe('public, max-age=300');
    expect(reply.json).toEqual(await session.world.service.jwks());
  });

  it('serves the RFC 8414 authorization-server metadata', async () => {
    const reply = await session.send('/.well-known/oauth-authorization-server');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      issuer: ISSUER,
      token_endpoint: `${ISSUER}/v2/auth/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      revocation_endpoint: `${ISSUER}/v2/auth/revoke`,
      introspection_endpoint: `${ISSUER}/v2/auth/introspect`,
      grant_types_supported: ['password', 'refresh_token'],
      scopes_supported: ['guest', 'agent', 'bot', 'admin'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ['none'],
    });
  });

  it('serves the RFC 9728 protected-resource metadata, and 401 challenges point to it', async () => {
    const reply = await session.send('/.well-known/oauth-protected-resource');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      resource: ISSUER,
      authorization_servers: [ISSUER],
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      scopes_supported: ['guest', 'agent', 'bot', 'admin'],
      bearer_methods_supported: ['header'],
    });
    const anonymous = await session.send('/v2/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe(`Bearer realm="scopeladder", resource_metadata="${RESOURCE_METADATA}"`);
    const badToken = await session.send('/v2/me', { headers: [['authorization', 'Bearer not.a.jwt']] });
    expect(badToken.headers['www-authenticate']).toMatch(
      new RegExp(`^Bearer realm="scopeladder", error="invalid_token", .*, resource_metadata="${RESOURCE_METADATA}"$`),
    );
    // A 403 is no invitation to discover an authorization server: no resource_metadata.
    const denied = await session.as('guest', '/v2/services');
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).not.toContain('resource_metadata');
  });

  it('answers GET and HEAD only, and only its paths', async () => {
    const head = await session.send('/.well-known/oauth-authorization-server', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const reply = await session.send('/.well-known/jwks.json', { method });
      expect(reply.status, method).not.toBe(200);
      expect(reply.json?.keys).toBeUndefined();
    }
    expect((await session.send('/.well-known/jwks.json/extra')).status).not.toBe(200);
    expect((await session.send('/.well-known/openid-configuration')).status).not.toBe(200);
  });
});

describe.each(ADAPTERS)('discovery routes misuse on $name', (adapter) => {
  it('refuses a non-https issuer, and a protected-resource URL that is not the service’s resourceMetadataUrl, at startup', async () => {
    await expect(startSession(adapter, { discovery: { issuer: 'http://api.example.test' } })).rejects.toThrow(/issuer must be an absolute https URL/);
    await expect(
      startSession(adapter, {
        resourceMetadataUrl: 'https://other.example.test/.well-known/oauth-protected-resource',
        discovery: { issuer: ISSUER, protectedResource: { resource: ISSUER } },
      }),
    ).rejects.toThrow(/resourceMetadataUrl .* is not where this protected-resource document is served/);
  });
});
