import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { PASSWORD, setup } from '../test-fixtures.js';
import { handleDiscoveryRequest } from './handle-discovery-request.js';
import { resolveDiscoveryOptions } from './resolve-discovery-options.js';

const ISSUER = 'https://api.example.com';

describe('resolveDiscoveryOptions', () => {
  it('builds the JWKS and RFC 8414 documents by default, RFC 9728 only when asked', async () => {
    const { auth } = await setup();
    expect([...resolveDiscoveryOptions({ issuer: ISSUER }, auth).documents.keys()]).toEqual([
      '/.well-known/jwks.json',
      '/.well-known/oauth-authorization-server',
    ]);
    const all = resolveDiscoveryOptions({ issuer: ISSUER, protectedResource: { resource: `${ISSUER}/v2` }, authorizationServer: false }, auth);
    expect([...all.documents.keys()]).toEqual(['/.well-known/jwks.json', '/.well-known/oauth-protected-resource/v2']);
  });

  it('serves the metadata at the well-known path followed by the issuer’s path (RFC 8414 §3), with the options given', async () => {
    const { auth } = await setup();
    const resolved = resolveDiscoveryOptions(
      {
        issuer: 'https://auth.example.com/tenant-a',
        jwksPath: '/keys',
        maxAge: 60,
        authorizationServer: {
          introspectionEndpoint: 'https://auth.example.com/oauth/introspect',
          grantTypesSupported: ['refresh_token'],
          scopesSupported: ['viewer'],
        },
      },
      auth,
    );
    const answer = await handleDiscoveryRequest(auth, resolved, { method: 'GET', path: '/.well-known/oauth-authorization-server/tenant-a' });
    expect(answer).toEqual({
      status: 200,
      headers: { 'cache-control': 'public, max-age=60' },
      body: expect.objectContaining({
        issuer: 'https://auth.example.com/tenant-a',
        token_endpoint: 'https://auth.example.com/tenant-a/v2/auth/token',
        jwks_uri: 'https://auth.example.com/tenant-a/keys',
        introspection_endpoint: 'https://auth.example.com/oauth/introspect',
        grant_types_supported: ['refresh_token'],
        scopes_supported: ['viewer'],
      }),
    });
    expect(Object.isFrozen((answer?.body as { scopes_supported: unknown }).scopes_supported)).toBe(true);
    expect(await handleDiscoveryRequest(auth, resolved, { method: 'POST', path: '/keys' })).toBeUndefined();
    expect(await handleDiscoveryRequest(auth, resolved, { method: 'GET', path: '/keys/' })).toBeUndefined();
  });

  it('serves a JWKS a jose verifier takes, read from the service on every request', async () => {
    const { auth } = await setup({ keys: { algorithm: 'EdDSA', keys: [{ kid: 'k1', ...generateKeyPairSync('ed25519') }] }, clock: Date.now });
    const resolved = resolveDiscoveryOptions({ issuer: ISSUER }, auth);
    const answer = await handleDiscoveryRequest(auth, resolved, { method: 'HEAD', path: '/.well-known/jwks.json' });
    const set = JSON.parse(JSON.stringify(answer?.body)) as { keys: { kid: string }[] };
    expect(set.keys.map((key) => key.kid)).toEqual(['k1']);
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    await expect(jwtVerify(token, createLocalJWKSet(set as never), { algorithms: ['EdDSA'] })).resolves.toBeDefined();
  });

  it('refuses misuse with a TypeError naming the option', async () => {
    const { auth } = await setup();
    const bad: [unknown, RegExp][] = [
      [undefined, /where: options must be an object/],
      [{}, /issuer must be an absolute https URL/],
      [{ issuer: 'http://api.example.com' }, /issuer must be an absolute https URL/],
      [{ issuer: 'https://api.example.com?x=1' }, /issuer must be .* or query/],
      [{ issuer: 'https://api.example.com#x' }, /issuer/],
      [{ issuer: 'https://user:pw@api.example.com' }, /issuer/],
      [{ issuer: 'https://api.example.com/"x' }, /issuer/],
      [{ issuer: 'api.example.com' }, /issuer/],
      [{ issuer: ISSUER, jwksPath: 'jwks.json' }, /jwksPath must be a path/],
      [{ issuer: ISSUER, maxAge: -1 }, /maxAge/],
      [{ issuer: ISSUER, authorizationServer: { tokenEndpoint: 'ftp://x.test/token' } }, /authorizationServer\.tokenEndpoint/],
      [{ issuer: ISSUER, authorizationServer: { grantTypesSupported: [] } }, /grantTypesSupported must be a non-empty array/],
      [{ issuer: ISSUER, authorizationServer: { scopesSupported: ['a b'] } }, /scopesSupported\[0\]/],
      [{ issuer: ISSUER, authorizationServer: 'yes' }, /authorizationServer must be an object/],
      [{ issuer: ISSUER, protectedResource: {} }, /protectedResource\.resource/],
      [{ issuer: ISSUER, protectedResource: { resource: ISSUER, authorizationServers: ['http://evil.test'] } }, /authorizationServers\[0\]/],
    ];
    for (const [options, message] of bad)
      expect(() => resolveDiscoveryOptions(options as never, auth, 'where'), String(JSON.stringify(options))).toThrow(message);
    // Loopback http is fine (development).
    expect(() => resolveDiscoveryOptions({ issuer: 'http://127.0.0.1:3000' }, auth)).not.toThrow();
    expect(() =>
      resolveDiscoveryOptions({ issuer: 'http://localhost:3000', protectedResource: { resource: 'http://[::1]:3000' } }, auth),
    ).not.toThrow();
  });

  it('refuses a protected-resource document served elsewhere than the service’s resourceMetadataUrl', async () => {
    const { auth } = await setup({ resourceMetadataUrl: `${ISSUER}/.well-known/oauth-protected-resource/v2` });
    expect(auth.http.resourceMetadata).toBe(`${ISSUER}/.well-known/oauth-protected-resource/v2`);
    expect(() => resolveDiscoveryOptions({ issuer: ISSUER, protectedResource: { resource: `${ISSUER}/v2` } }, auth)).not.toThrow();
    expect(() => resolveDiscoveryOptions({ issuer: ISSUER, protectedResource: { resource: ISSUER } }, auth)).toThrow(
      /not where this protected-resource document is served/,
    );
  });
});

describe('createAuthService resourceMetadataUrl', () => {
  it('is validated at construction and exposed as service.http.resourceMetadata', async () => {
    for (const bad of ['http://api.example.com/x', 'not a url', '', 42, 'https://a.test/x?y=1']) {
      await expect(setup({ resourceMetadataUrl: bad as never })).rejects.toThrow(/resourceMetadataUrl must be an absolute https URL/);
    }
    expect((await setup()).auth.http).not.toHaveProperty('resourceMetadata');
  });
});
