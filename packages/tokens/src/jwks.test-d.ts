import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWK } from 'jose';
import { describe, expectTypeOf, it } from 'vitest';
import { createAuthService, type AuthService, type JsonWebKeySet, type PublicJsonWebKey } from './index.js';

declare const service: AuthService;

describe('AuthService.jwks() types', () => {
  it('is a JWK Set jose takes without a cast', async () => {
    const set = await service.jwks();
    expectTypeOf(set).toEqualTypeOf<JsonWebKeySet>();
    expectTypeOf(set).toExtend<JSONWebKeySet>();
    expectTypeOf<PublicJsonWebKey>().toExtend<JWK>();
    // The calls the issue asked for compile as they are.
    createLocalJWKSet(await service.jwks());
    const fromService = createAuthService({
      directory: { findById: async () => null, findByEmail: async () => null },
      keys: { algorithm: 'HS256', secret: 'x'.repeat(32) },
    });
    createLocalJWKSet(await fromService.jwks());
    expectTypeOf(createRemoteJWKSet).toBeFunction();
  });

  it('never types a private part', () => {
    expectTypeOf<PublicJsonWebKey>().not.toHaveProperty('d');
    expectTypeOf<PublicJsonWebKey['alg']>().toEqualTypeOf<'EdDSA' | 'ES256'>();
  });
});
