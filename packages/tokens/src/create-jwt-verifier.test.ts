import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatshipperPolicy, httpErrorFor } from '@scopeladder/core';
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier, type JwtVerifierOptions } from './create-jwt-verifier.js';
import { chatshipperMatrixPolicy } from './test-fixtures.js';

// A local stand-in identity provider: jose-generated keys served as a JWKS over loopback.
interface ProviderKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  readonly jwk: JWK;
}

async function newKey(kid: string, alg: 'RS256' | 'ES256'): Promise<ProviderKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const ISSUER = 'https://tenant.example-idp.test/';
const AUDIENCE = 'https://api.chatshipper.test';
const published: ProviderKey[] = [];
let jwksUp = true;
let fetches = 0;
let server: Server;
let jwksUrl: URL;

beforeAll(async () => {
  published.push(await newKey('k1', 'RS256'));
  server = createServer((_req, res) => {
    fetches += 1;
    if (!jwksUp) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((key) => key.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface MintOptions {
  readonly key?: ProviderKey;
  readonly typ?: string;
  readonly issuer?: string;
  readonly audience?: string;
  readonly expiresIn?: number;
}

/** A token shaped like Auth0's: `scope` string, `permissions` array, `typ: JWT`. */
function mint(
  claims: JWTPayload,
  { key = published[0]!, typ = 'JWT', issuer = ISSUER, audience = AUDIENCE, expiresIn = 300 }: MintOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'auth0|u1', ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ })
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresIn)
    .sign(key.privateKey);
}

function verifierWith(overrides: Partial<JwtVerifierOptions> = {}) {
  return createJwtVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256', 'ES256'],
    jwks: jwksUrl,
    allowInsecureJwksUrl: true,
    jwksCooldown: 0,
    typ: 'JWT',
    scopes: { claim: 'permissions', map: { 'chatshipper:admin': 'admin', 'chatshipper:agent': 'agent', 'chatshipper:guest': 'guest' } },
    // The matrix alone: these tokens name no organization (the tenancy cases pass one).
    policy: chatshipperMatrixPolicy,
    ...overrides,
  });
}

function statusOf(error: unknown): number {
  return httpErrorFor(error).status;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number }> {
  const error = await promise.then(
    () => expect.unreachable('a principal was returned'),
    (caught: unknown) => caught,
  );
  return { code: (error as { code: string }).code, status: statusOf(error) };
}

describe('createJwtVerifier against a local stand-in provider', () => {
  it('an Auth0-shaped token (permissions array): principal with the mapped scopes only, the policy’s ability, token kind provider', async () => {
    const token = await mint({ permissions: ['chatshipper:agent', 'read:unrelated'], scope: 'openid chatshipper:admin', jti: 'j1' });
    const context = await verifierWith().authenticate(`Bearer ${token}`);
    expect(context.principal).toEqual({ id: 'auth0|u1', scopes: ['agent'] });
    expect(context.ability.can('list', 'Conversation')).toBe(true);
    expect(context.ability.can('delete', 'User')).toBe(false);
    expect(context.token).toMatchObject({ kind: 'provider', issuer: ISSUER, jti: 'j1' });
  });

  it('scope claims in each shape: a `scope` string, an `scp` array, Keycloak’s realm_access.roles, a function', async () => {
    const map = { 'chatshipper:admin': 'admin', agent: 'agent' };
    const token = await mint({ scope: 'openid chatshipper:admin', scp: ['agent'], realm_access: { roles: ['agent', 'offline_access'] } });
    const header = `Bearer ${token}`;
    expect((await verifierWith({ scopes: { claim: 'scope', map } }).authenticate(header)).principal.scopes).toEqual(['admin']);
    expect((await verifierWith({ scopes: { claim: 'scp', map } }).authenticate(header)).principal.scopes).toEqual(['agent']);
    expect((await verifierWith({ scopes: { claim: 'realm_access.roles', map } }).authenticate(header)).principal.scopes).toEqual(['agent']);
    const byFunction = verifierWith({ scopes: { claim: (claims) => [String(claims['scope']).split(' ')[1] ?? ''], map } });
    expect((await byFunction.authenticate(header)).principal.scopes).toEqual(['admin']);
    // No scope claim: no scopes (the policy grants nothing), never a guess.
    expect((await verifierWith({ scopes: { claim: 'permissions', map } }).authenticate(header)).principal.scopes).toEqual([]);
  });

  it('a scope claim of another shape is ERR_TOKEN_INVALID', async () => {
    const token = await mint({ permissions: { admin: true } });
    expect(await refusal(verifierWith().authenticate(`Bearer ${token}`))).toEqual({ code: 'ERR_TOKEN_INVALID', status: 401 });
  });

  it('the organization from claims (tenancy), and the principal’s last word from map', async () => {
    const token = await mint({ permissions: ['chatshipper:agent'], org_id: 'c1', org_path: 'r1#c1', email: 'a@example.com' });
    const verifier = verifierWith({
      organization: { claim: 'org_id', pathClaim: 'org_path' },
      map: (principal, claims) => ({ ...principal, kind: 'user', email: claims['email'] }),
    });
    expect((await verifier.authenticate(`Bearer ${token}`)).principal).toEqual({
      id: 'auth0|u1',
      scopes: ['agent'],
      organization: 'c1',
      organizationPath: 'r1#c1',
      kind: 'user',
      email: 'a@example.com',
    });
  });

  it('key rotation at the provider: a token signed with a new kid is verified after one fetch of the JWKS', async () => {
    const verifier = verifierWith();
    await verifier.authenticate(`Bearer ${await mint({})}`);
    const rotated = await newKey('k2', 'ES256');
    published.push(rotated);
    const before = fetches;
    const context = await verifier.authenticate(`Bearer ${await mint({ permissions: ['chatshipper:guest'] }, { key: rotated })}`);
    expect(context.principal.scopes).toEqual(['guest']);
    expect(fetches).toBe(before + 1);
  });

  it('an unknown kid (a key the provider never published) is ERR_TOKEN_INVALID, not a 5xx', async () => {
    const stranger = await newKey('k-unknown', 'RS256');
    expect(await refusal(verifierWith().authenticate(`Bearer ${await mint({}, { key: stranger })}`))).toEqual({
      code: 'ERR_TOKEN_INVALID',
      status: 401,
    });
  });

  it('a key the provider published under a kid, but a token signed by another key under it: ERR_TOKEN_INVALID', async () => {
    const impostor = { ...(await newKey('k1', 'RS256')) };
    expect(await refusal(verifierWith().authenticate(`Bearer ${await mint({}, { key: impostor })}`))).toEqual({
      code: 'ERR_TOKEN_INVALID',
      status: 401,
    });
  });

  it('the JWKS endpoint down (503, or nothing listening): ERR_STORE_UNAVAILABLE, 503 — fail closed, never a principal', async () => {
    const token = await mint({ permissions: ['chatshipper:admin'] });
    jwksUp = false;
    try {
      expect(await refusal(verifierWith().authenticate(`Bearer ${token}`))).toEqual({ code: 'ERR_STORE_UNAVAILABLE', status: 503 });
    } finally {
      jwksUp = true;
    }
    const closed = new URL('http://127.0.0.1:9/jwks.json'); // discard port: connection refused
    expect(await refusal(verifierWith({ jwks: closed }).authenticate(`Bearer ${token}`))).toEqual({ code: 'ERR_STORE_UNAVAILABLE', status: 503 });
  });

  it.each([
    ['another issuer', { issuer: 'https://evil.example/' }],
    ['another audience', { audience: 'https://other-api.test' }],
    ['typ at+jwt where JWT is expected', { typ: 'at+jwt' }],
  ])('%s → ERR_TOKEN_INVALID (401)', async (_name, mintOptions) => {
    const token = await mint({ permissions: ['chatshipper:admin'] }, mintOptions);
    expect(await refusal(verifierWith().authenticate(`Bearer ${token}`))).toEqual({ code: 'ERR_TOKEN_INVALID', status: 401 });
  });

  it('typ is explicit: at+jwt tokens pass a verifier set to at+jwt, and typ: null accepts either', async () => {
    const token = await mint({}, { typ: 'at+jwt' });
    await expect(verifierWith({ typ: 'at+jwt' }).authenticate(`Bearer ${token}`)).resolves.toBeDefined();
    await expect(verifierWith({ typ: null }).authenticate(`Bearer ${token}`)).resolves.toBeDefined();
  });

  it('HS256 offered where only RS256/ES256 are allowed, even with the public key as the secret: ERR_TOKEN_INVALID', async () => {
    const now = Math.floor(Date.now() / 1000);
    const secret = new TextEncoder().encode(JSON.stringify(published[0]!.jwk));
    const forged = await new SignJWT({ sub: 'attacker', permissions: ['chatshipper:admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(now + 300)
      .sign(secret);
    expect(await refusal(verifierWith().authenticate(`Bearer ${forged}`))).toEqual({ code: 'ERR_TOKEN_INVALID', status: 401 });
  });

  it('alg: none is ERR_TOKEN_INVALID', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'attacker', iss: ISSUER, aud: AUDIENCE, exp: now + 300, permissions: ['chatshipper:admin'] })}.`;
    expect(await refusal(verifierWith().authenticate(`Bearer ${unsigned}`))).toEqual({ code: 'ERR_TOKEN_INVALID', status: 401 });
  });

  it('an expired token is ERR_TOKEN_EXPIRED: 403 by default, 401 with http.expiredTokenStatus', async () => {
    const token = await mint({}, { expiresIn: -60 });
    const error = await verifierWith()
      .authenticate(`Bearer ${token}`)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_EXPIRED' });
    const verifier = verifierWith({ http: { expiredTokenStatus: 401 } });
    expect(httpErrorFor(error, verifier.http).status).toBe(401);
  });

  it('isRevoked: true is ERR_TOKEN_REVOKED (401); a failing check is ERR_STORE_UNAVAILABLE (503)', async () => {
    const token = await mint({ jti: 'revoked-1' });
    const revoked = verifierWith({ isRevoked: (claims) => claims.jti === 'revoked-1' });
    expect(await refusal(revoked.authenticate(`Bearer ${token}`))).toEqual({ code: 'ERR_TOKEN_REVOKED', status: 401 });
    const broken = verifierWith({ isRevoked: () => Promise.reject(new Error('deny-list down')) });
    expect(await refusal(broken.authenticate(`Bearer ${token}`))).toEqual({ code: 'ERR_STORE_UNAVAILABLE', status: 503 });
  });

  it('headers as our own service reads them: none 401, another scheme 401, several 400', async () => {
    const verifier = verifierWith();
    expect(await refusal(verifier.authenticate(undefined))).toEqual({ code: 'ERR_AUTH_REQUIRED', status: 401 });
    expect(await refusal(verifier.authenticate('Basic dTpw'))).toEqual({ code: 'ERR_AUTH_SCHEME', status: 401 });
    expect(await refusal(verifier.authenticate(['Bearer a.b.c', 'Bearer a.b.c']))).toEqual({ code: 'ERR_AUTH_MALFORMED', status: 400 });
  });
});

describe('createJwtVerifier options', () => {
  const base = (): JwtVerifierOptions => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256'],
    jwks: { keys: [published[0]!.jwk] },
    typ: 'JWT',
    scopes: { claim: 'scope', map: { 'chatshipper:admin': 'admin' } },
  });

  it('accepts static keys and the default policy', () => {
    expect(createJwtVerifier(base()).policy).toBe(chatshipperPolicy);
  });

  it.each([
    ['no issuer', { issuer: '' }, /issuer is required/],
    ['no audience', { audience: [] }, /audience is required/],
    ['no algorithms', { algorithms: [] }, /algorithms is required/],
    ['alg none', { algorithms: ['none'] }, /algorithms may hold only/],
    ['HS256 without allowSymmetric', { algorithms: ['HS256'] }, /HS256 is a shared-secret algorithm/],
    ['no jwks', { jwks: undefined }, /jwks is required/],
    ['an http: JWKS URL', { jwks: new URL('http://idp.example/jwks') }, /jwks must be an https: URL/],
    ['no typ', { typ: undefined }, /typ is required/],
    ['no scopes', { scopes: undefined }, /scopes is required/],
    ['no scope map', { scopes: { claim: 'scope' } }, /scopes.map is required/],
    [
      'a map onto no scope of the ladder',
      { scopes: { claim: 'scope', map: { 'x:owner': 'owner' } } },
      /scopes.map\['x:owner'\] must be a scope of the policy's ladder/,
    ],
    ['a clock tolerance over 300 s', { clockTolerance: '1h' }, /clockTolerance/],
    ['isRevoked not a function', { isRevoked: true }, /isRevoked must be a function/],
  ])('%s → TypeError', (_name, override, message) => {
    expect(() => createJwtVerifier({ ...base(), ...override } as JwtVerifierOptions)).toThrow(message);
    expect(() => createJwtVerifier({ ...base(), ...override } as JwtVerifierOptions)).toThrow(TypeError);
  });

  it('HS256 with allowSymmetric: true and an oct key is accepted knowingly', () => {
    const options = {
      ...base(),
      algorithms: ['HS256'],
      allowSymmetric: true,
      jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA', kid: 's1' }] },
    };
    expect(() => createJwtVerifier(options)).not.toThrow();
  });
});
