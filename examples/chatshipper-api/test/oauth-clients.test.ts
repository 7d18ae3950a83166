// Standard clients against the built server, on each framework with EdDSA and ES256:
// oauth4webapi discovers it (RFC 8414), logs in and refreshes (RFC 6749), validates its access
// tokens against its JWKS (RFC 9068), revokes (RFC 7009) and introspects (RFC 7662); jose's
// createRemoteJWKSet + jwtVerify verifies them in another process, as another service would.
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './http-client.js';
import { PACKAGE_DIR, buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const ADMIN = { email: 'admin@example.com', password: 'oauth-password-1' };
const AUDIENCE = 'chatshipper-api';
const NONE = oauth.None();
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

/** A port free right now: the issuer URL must name the port before the server starts. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Verifies `token` in a separate Node process with jose's remote JWKS, as another service would. */
function verifyElsewhere(jwksUri: string, issuer: string, token: string): Promise<{ ok: boolean; payload?: Record<string, unknown>; code?: string }> {
  const script = `
    import { createRemoteJWKSet, jwtVerify } from 'jose';
    const [jwksUri, issuer, audience, token] = process.argv.slice(1);
    const jwks = createRemoteJWKSet(new URL(jwksUri));
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience, typ: 'at+jwt', requiredClaims: ['sub', 'client_id', 'iat', 'exp', 'jti', 'scope'] });
      console.log(JSON.stringify({ ok: true, payload }));
    } catch (error) {
      console.log(JSON.stringify({ ok: false, code: error.code }));
    }`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, jwksUri, issuer, AUDIENCE, token],
      { cwd: PACKAGE_DIR, timeout: 15_000 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as { ok: boolean; payload?: Record<string, unknown>; code?: string })),
    );
  });
}

let build: Build;
beforeAll(() => {
  build = buildServer();
});
afterAll(() => build?.remove());

const CASES = [
  { framework: 'express', algorithm: 'EdDSA' },
  { framework: 'express', algorithm: 'ES256' },
  { framework: 'fastify', algorithm: 'EdDSA' },
  { framework: 'fastify', algorithm: 'ES256' },
  { framework: 'koa', algorithm: 'EdDSA' },
  { framework: 'koa', algorithm: 'ES256' },
] as const;

describe.each(CASES)('standard clients against the server on $framework with $algorithm', ({ framework, algorithm }) => {
  let server: ServerProcess;
  let issuer: string;
  let as: oauth.AuthorizationServer;
  let client: oauth.Client;

  const passwordGrant = async (username: string, password: string): Promise<oauth.TokenEndpointResponse> =>
    oauth.processGenericTokenEndpointResponse(
      as,
      client,
      await oauth.genericTokenEndpointRequest(as, client, NONE, 'password', { username, password }, INSECURE),
    );

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    server = await startServerProcess(build.main, {
      PORT: String(port),
      FRAMEWORK: framework,
      JWT_ALGORITHM: algorithm,
      JWT_ISSUER: issuer,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    });
    const url = new URL(issuer);
    as = await oauth.processDiscoveryResponse(url, await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...INSECURE }));
    // The server's client_id is its issuer (the tokens service's default).
    client = { client_id: issuer };
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('is discovered (RFC 8414): the token, revocation, introspection and JWKS endpoints', () => {
    expect(as).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/v2/auth/token`,
      revocation_endpoint: `${issuer}/v2/auth/revoke`,
      introspection_endpoint: `${issuer}/v2/auth/introspect`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ['password', 'refresh_token'],
    });
  });

  it('logs in and refreshes with oauth4webapi; validateJwtAccessToken accepts its tokens against the JWKS', async () => {
    const tokens = await passwordGrant(ADMIN.email, ADMIN.password);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'admin', expires_in: 86_400 });
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, NONE, tokens.refresh_token ?? '', INSECURE),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    const incoming = new Request(`${issuer}/v2/contacts`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, incoming, AUDIENCE, INSECURE);
    expect(claims).toMatchObject({ iss: issuer, aud: AUDIENCE, client_id: issuer, scope: 'admin' });
    const jwks = await request(issuer, 'GET', '/.well-known/jwks.json');
    expect(jwks.body.keys).toEqual([expect.objectContaining({ kty: algorithm === 'EdDSA' ? 'OKP' : 'EC', alg: algorithm, use: 'sig' })]);
    expect(JSON.stringify(jwks.body)).not.toMatch(/"d"/);
  });

  it('verifies in another process with jose createRemoteJWKSet + jwtVerify, and refuses a forged token there', async () => {
    const tokens = await passwordGrant(ADMIN.email, ADMIN.password);
    const verified = await verifyElsewhere(`${issuer}/.well-known/jwks.json`, issuer, tokens.access_token);
    expect(verified).toMatchObject({ ok: true, payload: { iss: issuer, aud: AUDIENCE, client_id: issuer, scope: 'admin' } });
    const [header, payload] = tokens.access_token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...verified.payload, scope: 'admin bot' })).toString('base64url')}.${tokens.access_token.split('.')[2]}`;
    expect(payload).not.toBe(forged.split('.')[1]);
    expect(await verifyElsewhere(`${issuer}/.well-known/jwks.json`, issuer, forged)).toEqual({
      ok: false,
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  }, 30_000);

  it('points 401 challenges at its RFC 9728 metadata, which names it', async () => {
    const anonymous = await request(issuer, 'GET', '/v2/contacts');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain(`resource_metadata="${issuer}/.well-known/oauth-protected-resource"`);
    const metadata = await request(issuer, 'GET', '/.well-known/oauth-protected-resource');
    expect(metadata.body).toMatchObject({ resource: issuer, authorization_servers: [issuer] });
  });

  it('revokes (RFC 7009): the session ends, its refresh is invalid_grant, its access token 401', async () => {
    const tokens = await passwordGrant(ADMIN.email, ADMIN.password);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, NONE, tokens.refresh_token ?? '', INSECURE));
    expect((await request(issuer, 'GET', '/v2/contacts', { token: tokens.access_token })).status).toBe(401);
    const refused = await oauth
      .refreshTokenGrantRequest(as, client, NONE, tokens.refresh_token ?? '', INSECURE)
      .then((response) => oauth.processRefreshTokenResponse(as, client, response))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(oauth.ResponseBodyError);
    expect((refused as oauth.ResponseBodyError).error).toBe('invalid_grant');
    // Unknown tokens: 200 all the same.
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, NONE, 'never-issued', INSECURE));
  });

  it('introspects (RFC 7662) for an admin bearer only; anyone else learns nothing', async () => {
    const admin = await passwordGrant(ADMIN.email, ADMIN.password);
    // The server lets admin bearers introspect: oauth4webapi's client-authentication hook sends the bearer.
    const asBearer =
      (bearer: string): oauth.ClientAuth =>
      (_as, _client, _body, headers) =>
        headers.set('authorization', `Bearer ${bearer}`);
    const introspect = async (token: string, bearer?: string): Promise<Response> =>
      oauth.introspectionRequest(as, client, bearer === undefined ? NONE : asBearer(bearer), token, INSECURE);

    const agentEmail = `agent-${algorithm.toLowerCase()}@example.com`;
    const created = await request(issuer, 'POST', '/v2/users', {
      token: admin.access_token,
      body: { email: agentEmail, password: 'agent-password-1', role: 'agent' },
    });
    expect(created.status).toBe(201);
    const agent = await passwordGrant(agentEmail, 'agent-password-1');

    const active = await oauth.processIntrospectionResponse(as, client, await introspect(agent.access_token, admin.access_token));
    expect(active).toMatchObject({ active: true, sub: created.body.id, scope: 'agent' });
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, NONE, agent.access_token, INSECURE));
    expect(await oauth.processIntrospectionResponse(as, client, await introspect(agent.access_token, admin.access_token))).toEqual({ active: false });

    const anonymous = await introspect(admin.access_token);
    expect(anonymous.status).toBe(401);
    const byAgent = await introspect(admin.access_token, (await passwordGrant(agentEmail, 'agent-password-1')).access_token);
    expect(byAgent.status).toBe(403);
    for (const answer of [anonymous, byAgent]) expect(await answer.text()).not.toMatch(/active|admin@|"sub"/);
  });
});

describe('the JWKS alone when JWT_ISSUER is not a URL', () => {
  it.each(['express', 'fastify', 'koa'] as const)(
    'on %s: /.well-known/jwks.json, no RFC 8414 document, no resource_metadata',
    async (framework) => {
      const server = await startServerProcess(build.main, {
        PORT: '0',
        FRAMEWORK: framework,
        JWT_ALGORITHM: 'ES256',
        ...{ ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
      });
      try {
        const jwks = await request(server.baseUrl, 'GET', '/.well-known/jwks.json');
        expect(jwks.status).toBe(200);
        expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
        expect(jwks.body.keys).toHaveLength(1);
        expect((await request(server.baseUrl, 'GET', '/.well-known/oauth-authorization-server')).status).toBe(404);
        const anonymous = await request(server.baseUrl, 'GET', '/v2/contacts');
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).not.toContain('resource_metadata');
        const login = await request(server.baseUrl, 'POST', '/v2/auth/token', { body: ADMIN });
        const verified = await verifyElsewhere(`${server.baseUrl}/.well-known/jwks.json`, 'chatshipper-api', login.body.token);
        expect(verified).toMatchObject({ ok: true, payload: { iss: 'chatshipper-api', aud: AUDIENCE, client_id: 'chatshipper-api' } });
      } finally {
        await server.stop();
      }
    },
    30_000,
  );
});
