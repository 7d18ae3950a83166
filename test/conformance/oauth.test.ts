import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { bearer } from './fixtures/http.js';
import { startSession, type Session } from './fixtures/session.js';

// Standard OAuth 2.0 clients against every adapter: oauth4webapi (a real client library, not
// hand-written HTTP) for the password and refresh grants (RFC 6749), revocation (RFC 7009),
// introspection (RFC 7662) and RFC 9068 access-token validation; raw HTTP for the error answers.

const TOKEN_PATH = '/v2/auth/token';
const FORM = [['content-type', 'application/x-www-form-urlencoded']] as const;
// The world's service: issuer, audience and client_id are all the defaults.
const ISSUER = 'scopeladder';
const CLIENT: oauth.Client = { client_id: ISSUER };
const NONE = oauth.None();
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

function authorizationServer(url: string, jwksUri?: string): oauth.AuthorizationServer {
  return {
    issuer: ISSUER,
    token_endpoint: `${url}${TOKEN_PATH}`,
    revocation_endpoint: `${url}/v2/auth/revoke`,
    introspection_endpoint: `${url}/v2/auth/introspect`,
    ...(jwksUri === undefined ? {} : { jwks_uri: jwksUri }),
  };
}

async function passwordGrant(as: oauth.AuthorizationServer, username: string, password: string, scope?: string): Promise<Response> {
  return oauth.genericTokenEndpointRequest(as, CLIENT, NONE, 'password', { username, password, ...(scope === undefined ? {} : { scope }) }, INSECURE);
}

async function rejection(promise: Promise<unknown>): Promise<oauth.ResponseBodyError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(oauth.ResponseBodyError);
  return error as oauth.ResponseBodyError;
}

describe.each(ADAPTERS)('OAuth 2.0 clients on $name', (adapter) => {
  let session: Session;
  let as: oauth.AuthorizationServer;
  beforeAll(async () => {
    session = await startSession(adapter);
    as = authorizationServer(session.app.url);
  });
  afterAll(async () => {
    await session.close();
  });

  it('password grant (oauth4webapi): an RFC 6749 §5.1 answer beside ChatShipper fields', async () => {
    const { admin } = session.world.users;
    const response = await passwordGrant(as, admin.email, admin.password);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tokens = await oauth.processGenericTokenEndpointResponse(as, CLIENT, response);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'admin', expires_in: 86_400, tokenType: 'Bearer', user: admin.id });
    expect(tokens.access_token).toBe(tokens['token']);
    expect(tokens.refresh_token).toBe(tokens['refreshToken']);
    expect((await session.send('/v2/services', { headers: bearer(tokens.access_token) })).status).toBe(200);
  });

  it('refresh grant (processRefreshTokenResponse): rotates; the spent token again is 400 invalid_grant', async () => {
    const { agent } = session.world.users;
    const first = await oauth.processGenericTokenEndpointResponse(as, CLIENT, await passwordGrant(as, agent.email, agent.password));
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      CLIENT,
      await oauth.refreshTokenGrantRequest(as, CLIENT, NONE, first.refresh_token as string, INSECURE),
    );
    expect(refreshed).toMatchObject({ token_type: 'bearer', scope: 'agent', expires_in: 86_400 });
    expect(refreshed.refresh_token).not.toBe(first.refresh_token);
    const reused = await rejection(
      oauth.processRefreshTokenResponse(as, CLIENT, await oauth.refreshTokenGrantRequest(as, CLIENT, NONE, first.refresh_token as string, INSECURE)),
    );
    expect(reused.status).toBe(400);
    expect(reused.error).toBe('invalid_grant');
    expect(reused.cause).toMatchObject({ code: 'ERR_REFRESH_REUSED', error_description: expect.any(String) });
  });

  it('a scope narrows the session at login and is kept by refreshes; a wider one is 400 invalid_scope', async () => {
    const { admin, agent } = session.world.users;
    const narrowed = await oauth.processGenericTokenEndpointResponse(as, CLIENT, await passwordGrant(as, admin.email, admin.password, 'agent'));
    expect(narrowed.scope).toBe('agent');
    expect((await session.send('/v2/organizations', { method: 'POST', headers: bearer(narrowed.access_token), json: { name: 'x' } })).status).toBe(
      403,
    );
    const kept = await oauth.processRefreshTokenResponse(
      as,
      CLIENT,
      await oauth.refreshTokenGrantRequest(as, CLIENT, NONE, narrowed.refresh_token as string, INSECURE),
    );
    expect(kept.scope).toBe('agent');
    const wider = await rejection(
      oauth.processGenericTokenEndpointResponse(as, CLIENT, await passwordGrant(as, agent.email, agent.password, 'admin')),
    );
    expect([wider.status, wider.error]).toEqual([400, 'invalid_scope']);
  });

  it('RFC 6749 §5.2 errors: 400 with error and error_description beside code and message, never cached', async () => {
    const { guest } = session.world.users;
    const cases: [Record<string, string>, string, string][] = [
      [{ grant_type: 'password', username: guest.email, password: 'wrong-password-123' }, 'invalid_grant', 'ERR_INVALID_CREDENTIALS'],
      [{ grant_type: 'password', username: 'nobody@example.test', password: 'wrong-password-123' }, 'invalid_grant', 'ERR_INVALID_CREDENTIALS'],
      [{ grant_type: 'refresh_token', refresh_token: 'not-a-token' }, 'invalid_grant', 'ERR_REFRESH_INVALID'],
      [{ grant_type: 'client_credentials' }, 'unsupported_grant_type', 'ERR_UNSUPPORTED_GRANT_TYPE'],
      [{ grant_type: 'password', username: guest.email }, 'invalid_request', 'ERR_INVALID_REQUEST'],
      [{ grant_type: 'password', username: guest.email, password: guest.password, scope: 'root' }, 'invalid_scope', 'ERR_SCOPE_NOT_ALLOWED'],
    ];
    for (const [params, error, code] of cases) {
      for (const reply of [
        await session.send(TOKEN_PATH, { method: 'POST', headers: FORM, body: new URLSearchParams(params).toString() }),
        await session.send(TOKEN_PATH, { method: 'POST', json: params }),
      ]) {
        expect(reply.status, reply.text).toBe(400);
        expect(reply.headers['cache-control']).toBe('no-store');
        expect(reply.headers['www-authenticate']).toBeUndefined();
        expect(reply.json).toEqual({ code, message: expect.any(String), error, error_description: expect.any(String) });
      }
    }
  });

  it("ChatShipper's forms keep their statuses; their error bodies gain error; the SDK's refresh form works", async () => {
    const { bot } = session.world.users;
    const refused = await session.send(TOKEN_PATH, { method: 'POST', json: { refreshToken: 'not-a-token' } });
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ code: 'ERR_REFRESH_INVALID', error: 'invalid_grant' });
    const tokens = await session.login(bot);
    const sdk = await session.send(TOKEN_PATH, { method: 'POST', json: { clientId: bot.email, refreshToken: tokens.refreshToken } });
    expect(sdk.status).toBe(200);
    expect(sdk.json).toMatchObject({ tokenType: 'Bearer', scope: 'bot', token_type: 'Bearer' });
  });

  it('revocation (oauth4webapi): a refresh token ends the session; an access token too; unknown tokens answer 200 alike', async () => {
    const { agent } = session.world.users;
    const first = await session.login(agent);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, CLIENT, NONE, first.refreshToken, INSECURE));
    expect((await session.send('/v2/services', { headers: bearer(first.token) })).status).toBe(401);
    const refused = await rejection(
      oauth.processRefreshTokenResponse(as, CLIENT, await oauth.refreshTokenGrantRequest(as, CLIENT, NONE, first.refreshToken, INSECURE)),
    );
    expect(refused.error).toBe('invalid_grant');
    const second = await session.login(agent);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, CLIENT, NONE, second.token, { ...INSECURE, additionalParameters: { token_type_hint: 'access_token' } }),
    );
    expect((await session.send('/v2/services', { headers: bearer(second.token) })).status).toBe(401);
    for (const token of ['unknown', second.token, `${agent.id}.${'0'.repeat(80)}`]) {
      const reply = await session.send('/v2/auth/revoke', { method: 'POST', headers: FORM, body: new URLSearchParams({ token }).toString() });
      expect([reply.status, reply.text]).toEqual([200, '']);
    }
    const missing = await session.send('/v2/auth/revoke', { method: 'POST', json: {} });
    expect([missing.status, missing.json.error]).toEqual([400, 'invalid_request']);
  });

  it('introspection (oauth4webapi, client_secret_basic): live scopes, a bot API key capped, inactive once revoked', async () => {
    const { agent } = session.world.users;
    const { id, secret } = session.world.tokenRoutes.introspection.client;
    const resourceServer: oauth.Client = { client_id: id };
    const introspect = async (token: string) =>
      oauth.processIntrospectionResponse(
        as,
        resourceServer,
        await oauth.introspectionRequest(as, resourceServer, oauth.ClientSecretBasic(secret), token, INSECURE),
      );
    const tokens = await session.login(agent);
    expect(await introspect(tokens.token)).toMatchObject({ active: true, sub: agent.id, scope: 'agent', token_type: 'Bearer' });
    const { robot } = session.world;
    const key = await session.world.service.createApiKey(robot.id, ['bot']);
    expect(await introspect(key.apiKey)).toMatchObject({ active: true, sub: robot.id, scope: 'bot', key_id: key.id });
    session.world.directory.update(robot.id, { role: 'agent' });
    expect(await introspect(key.apiKey)).toMatchObject({ active: true, scope: 'agent' });
    session.world.directory.update(robot.id, { role: 'bot' });
    await session.world.service.revoke(tokens.token);
    expect(await introspect(tokens.token)).toEqual({ active: false });
    expect(await introspect(tokens.refreshToken)).toEqual({ active: false });
    expect(await introspect('garbage')).toEqual({ active: false });
  });

  it('introspection by an admin bearer (the default caller)', async () => {
    const body = new URLSearchParams({ token: session.tokens.agent }).toString();
    const reply = await session.send('/v2/auth/introspect', { method: 'POST', headers: [...FORM, ...bearer(session.tokens.admin)], body });
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(reply.json).toMatchObject({ active: true, sub: session.world.users.agent.id, scope: 'agent' });
  });

  it('introspection is not an oracle: no caller → 401, a lower bearer → 403, and neither says anything about the token', async () => {
    const body = new URLSearchParams({ token: session.tokens.agent }).toString();
    const anonymous = await session.send('/v2/auth/introspect', { method: 'POST', headers: FORM, body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).not.toHaveProperty('active');
    const agent = await session.send('/v2/auth/introspect', { method: 'POST', headers: [...FORM, ...bearer(session.tokens.agent)], body });
    expect(agent.status).toBe(403);
    expect(agent.json).not.toHaveProperty('active');
    const basic = await session.send('/v2/auth/introspect', {
      method: 'POST',
      headers: [...FORM, ['authorization', `Basic ${Buffer.from('resource-server:guess').toString('base64')}`]],
      body,
    });
    expect([basic.status, basic.json.code]).toEqual([401, 'ERR_CLIENT_INVALID']);
    expect(basic.headers['www-authenticate']).toBe('Basic realm="scopeladder"');
    expect(basic.json).not.toHaveProperty('active');
  });
});

describe.each(ADAPTERS)('login throttling with RFC 6749 requests on $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter, { throttle: { maxFailuresPerEmailAndSource: 2 } });
  });
  afterAll(async () => {
    await session.close();
  });

  it('over the limit, 429 with Retry-After even with the right password (no oracle)', async () => {
    const { guest } = session.world.users;
    const attempt = (password: string) =>
      session.send(TOKEN_PATH, { method: 'POST', json: { grant_type: 'password', username: guest.email, password } });
    expect((await attempt('wrong-password-1')).status).toBe(400);
    expect((await attempt('wrong-password-2')).status).toBe(400);
    const throttled = await attempt(guest.password);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBeDefined();
    expect(throttled.json).toMatchObject({ code: 'ERR_LOGIN_THROTTLED', error: 'invalid_grant' });
  });
});

// RFC 9068 access tokens validated by oauth4webapi against the service's JWKS (served here from
// `service.jwks()`), for both asymmetric algorithms.
const SIGNERS = [
  { algorithm: 'EdDSA', pair: () => generateKeyPairSync('ed25519') },
  { algorithm: 'ES256', pair: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
] as const;

describe.each(ADAPTERS.flatMap((adapter) => SIGNERS.map((signer) => ({ adapter, signer, name: `${adapter.name}, ${signer.algorithm}` }))))(
  'validateJwtAccessToken on $name',
  ({ adapter, signer }) => {
    let session: Session;
    let jwks: Server;
    let as: oauth.AuthorizationServer;
    beforeAll(async () => {
      const { privateKey } = signer.pair();
      session = await startSession(adapter, { keys: { algorithm: signer.algorithm, keys: [{ kid: 'k1', privateKey }] } });
      const keySet = JSON.stringify(await session.world.service.jwks());
      jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(keySet));
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      as = authorizationServer(session.app.url, `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`);
    });
    afterAll(async () => {
      await session.close();
      await new Promise((resolve) => jwks.close(resolve));
    });

    it('accepts our access token: typ at+jwt, every RFC 9068 §2.2 claim, client_id included', async () => {
      const { agent } = session.world.users;
      const tokens = await oauth.processGenericTokenEndpointResponse(as, CLIENT, await passwordGrant(as, agent.email, agent.password));
      const request = new Request('https://resource.example/v2/conversations', { headers: { authorization: `Bearer ${tokens.access_token}` } });
      // The world runs on a fake clock: tell the client how far off "its" clock is.
      const skew = Math.round((session.world.clock.now() - Date.now()) / 1000);
      const claims = await oauth.validateJwtAccessToken(as, request, ISSUER, { ...INSECURE, [oauth.clockSkew]: skew });
      expect(claims).toMatchObject({ iss: ISSUER, aud: ISSUER, sub: agent.id, client_id: ISSUER, scope: 'agent' });
      expect(typeof claims.jti).toBe('string');
    });
  },
);
