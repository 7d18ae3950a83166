import { createHmac } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthService } from './create-auth-service.js';
import type { AsymmetricKeysOptions } from './lib/keys.js';
import { IDS, PASSWORD, asymmetricJwt, claims, ed25519Pair, expectCode, hmacJwt, p256Pair, setup, signingInput, T0 } from './test-fixtures.js';

const algorithms = [
  { algorithm: 'EdDSA' as const, pair: ed25519Pair, kty: 'OKP', crv: 'Ed25519' },
  { algorithm: 'ES256' as const, pair: p256Pair, kty: 'EC', crv: 'P-256' },
];

for (const { algorithm, pair, kty, crv } of algorithms) {
  describe(`${algorithm} key sets`, () => {
    const k1 = pair();
    const k2 = pair();

    it('signs with the newest key and verifies with every configured key until it is removed', async () => {
      const before = await setup({ keys: { algorithm, keys: [{ kid: 'k1', ...k1 }] } });
      const { token: old } = await before.auth.login({ email: 'admin@example.com', password: PASSWORD });
      expect(decodeProtectedHeader(old)).toEqual({ alg: algorithm, typ: 'at+jwt', kid: 'k1' });

      // Rotation: k2 signs, k1 still verifies (public key only, as a retired key would be kept).
      const rotated: AsymmetricKeysOptions = {
        algorithm,
        keys: [
          { kid: 'k2', ...k2 },
          { kid: 'k1', publicKey: k1.publicKey },
        ],
      };
      const during = await setup({ keys: rotated });
      expect((await during.auth.authenticate(`Bearer ${old}`)).principal.id).toBe(IDS.admin);
      const { token: fresh } = await during.auth.login({ email: 'admin@example.com', password: PASSWORD });
      expect(decodeProtectedHeader(fresh).kid).toBe('k2');

      // Retirement: k1 removed, its tokens stop working; k2's keep working.
      const after = await setup({ keys: { algorithm, keys: [{ kid: 'k2', privateKey: k2.privateKey }] } });
      await expectCode(after.auth.authenticate(`Bearer ${old}`), 'ERR_TOKEN_INVALID');
      expect((await after.auth.authenticate(`Bearer ${fresh}`)).principal.id).toBe(IDS.admin);
    });

    it('exports the public keys as a JWKS usable by any verifier', async () => {
      const { auth } = await setup({
        keys: {
          algorithm,
          keys: [
            { kid: 'k2', ...k2 },
            { kid: 'k1', publicKey: k1.publicKey },
          ],
        },
      });
      const jwks = await auth.jwks();
      expect(jwks.keys.map((key) => key['kid'])).toEqual(['k2', 'k1']);
      for (const key of jwks.keys) {
        expect(key).toMatchObject({ kty, crv, alg: algorithm, use: 'sig' });
        expect(key).not.toHaveProperty('d');
      }
      const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
      const verified = await jwtVerify(token, createLocalJWKSet(jwks), {
        algorithms: [algorithm],
        typ: 'at+jwt',
        currentDate: new Date(T0),
      });
      expect(verified.payload.sub).toBe(IDS.admin);
    });

    it('refuses an unknown kid, a missing kid and a token signed by a key that is not configured', async () => {
      const { auth } = await setup({ keys: { algorithm, keys: [{ kid: 'k1', ...k1 }] } });
      const header = { alg: algorithm, typ: 'at+jwt' };
      await expectCode(auth.authenticate(`Bearer ${asymmetricJwt({ ...header, kid: 'k9' }, claims(), k1.privateKey)}`), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(`Bearer ${asymmetricJwt(header, claims(), k1.privateKey)}`), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(`Bearer ${asymmetricJwt({ ...header, kid: 'k1' }, claims(), k2.privateKey)}`), 'ERR_TOKEN_INVALID');
      for (const kid of ['../k1', 'k1/../k1', '__proto__', 'constructor', 'hasOwnProperty']) {
        await expectCode(auth.authenticate(`Bearer ${asymmetricJwt({ ...header, kid }, claims(), k1.privateKey)}`), 'ERR_TOKEN_INVALID');
      }
      // The crafting helper is right: the same token with the right kid passes.
      await expect(auth.authenticate(`Bearer ${asymmetricJwt({ ...header, kid: 'k1' }, claims(), k1.privateKey)}`)).resolves.toBeDefined();
    });

    it('refuses HS256 tokens whose HMAC key is the public key (algorithm confusion)', async () => {
      const { auth } = await setup({ keys: { algorithm, keys: [{ kid: 'k1', ...k1 }] } });
      const pem = k1.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      const der = k1.publicKey.export({ format: 'der', type: 'spki' });
      const jwk = JSON.stringify(k1.publicKey.export({ format: 'jwk' }));
      for (const secret of [pem, der, jwk]) {
        const token = hmacJwt({ alg: 'HS256', typ: 'at+jwt', kid: 'k1' }, claims(), secret);
        await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_INVALID');
      }
    });

    it('refuses an embedded jwk header carrying the attacker key', async () => {
      const { auth } = await setup({ keys: { algorithm, keys: [{ kid: 'k1', ...k1 }] } });
      const attacker = pair();
      const header = { alg: algorithm, typ: 'at+jwt', kid: 'k1', jwk: attacker.publicKey.export({ format: 'jwk' }) };
      await expectCode(auth.authenticate(`Bearer ${asymmetricJwt(header, claims(), attacker.privateKey)}`), 'ERR_TOKEN_INVALID');
      const jku = { alg: algorithm, typ: 'at+jwt', kid: 'k1', jku: 'https://attacker.example/jwks' };
      await expectCode(auth.authenticate(`Bearer ${asymmetricJwt(jku, claims(), k1.privateKey)}`), 'ERR_TOKEN_INVALID');
    });

    it('accepts keys as PEM strings and JWKs', async () => {
      const privatePem = k1.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const publicJwk = k1.publicKey.export({ format: 'jwk' });
      const { auth } = await setup({ keys: { algorithm, keys: [{ kid: 'k1', privateKey: privatePem, publicKey: publicJwk }] } });
      const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
      expect((await auth.authenticate(`Bearer ${token}`)).principal.id).toBe(IDS.admin);
    });
  });
}

describe('HS256', () => {
  it('has an empty JWKS (a shared secret is never published)', async () => {
    const { auth } = await setup();
    expect(await auth.jwks()).toEqual({ keys: [] });
  });

  it('refuses EdDSA/ES256 tokens', async () => {
    const { auth } = await setup();
    const { privateKey } = ed25519Pair();
    await expectCode(auth.authenticate(`Bearer ${asymmetricJwt({ alg: 'EdDSA', typ: 'at+jwt' }, claims(), privateKey)}`), 'ERR_TOKEN_INVALID');
    const input = signingInput({ alg: 'HS512', typ: 'at+jwt' }, claims());
    const hs512 = `${input}.${createHmac('sha512', 'k7Qp2vX9zL4mN8rT1wY6bH3jF5dS0aGc').update(input).digest('base64url')}`;
    await expectCode(auth.authenticate(`Bearer ${hs512}`), 'ERR_TOKEN_INVALID');
  });
});

describe('key options are validated at construction', () => {
  const directory = { findById: async () => null, findByEmail: async () => null };
  const make = (keys: unknown) => () => createAuthService({ directory, keys: keys as never });

  it('throws TypeError for a weak, missing or mistyped HS256 secret', () => {
    expect(make({ algorithm: 'HS256', secret: 'x'.repeat(31) })).toThrow(/keys\.secret.*32 bytes/);
    expect(make({ algorithm: 'HS256', secret: new Uint8Array(16) })).toThrow(TypeError);
    expect(make({ algorithm: 'HS256' })).toThrow(/keys\.secret/);
    expect(make({ algorithm: 'HS256', secret: 42 })).toThrow(TypeError);
    expect(make({ algorithm: 'HS256', secret: 'x'.repeat(32), kid: '' })).toThrow(/keys\.kid/);
    expect(make({ algorithm: 'HS256', secret: 'x'.repeat(32) })).not.toThrow();
    // 32 bytes counted as UTF-8, not characters.
    expect(make({ algorithm: 'HS256', secret: 'é'.repeat(16) })).not.toThrow();
  });

  it('throws TypeError for a missing or unknown algorithm', () => {
    expect(make(undefined)).toThrow(/keys is required/);
    for (const algorithm of ['none', 'RS256', 'hs256', 'HS512', 'EdDSA ', undefined]) {
      expect(make({ algorithm, secret: 'x'.repeat(32) })).toThrow(/keys\.algorithm/);
    }
  });

  it('throws TypeError for unusable asymmetric key sets', () => {
    const ed = ed25519Pair();
    const ec = p256Pair();
    expect(make({ algorithm: 'EdDSA', keys: [] })).toThrow(/keys\.keys/);
    expect(make({ algorithm: 'EdDSA', keys: [{ kid: 'a', publicKey: ed.publicKey }] })).toThrow(/keys\.keys\[0\]\.privateKey/);
    expect(make({ algorithm: 'EdDSA', keys: [{ kid: 'a', privateKey: ec.privateKey }] })).toThrow(/Ed25519/);
    expect(make({ algorithm: 'ES256', keys: [{ kid: 'a', privateKey: ed.privateKey }] })).toThrow(/P-256/);
    expect(make({ algorithm: 'ES256', keys: [{ kid: 'a', privateKey: p256Pair().privateKey, publicKey: ec.publicKey }] })).toThrow(/does not match/);
    expect(
      make({
        algorithm: 'EdDSA',
        keys: [
          { kid: 'a', ...ed },
          { kid: 'a', publicKey: ed.publicKey },
        ],
      }),
    ).toThrow(/duplicates/);
    expect(make({ algorithm: 'EdDSA', keys: [{ kid: '', ...ed }] })).toThrow(/kid/);
    expect(make({ algorithm: 'EdDSA', keys: [{ kid: 'a', privateKey: 'not a pem' }] })).toThrow(/privateKey must be a private key/);
    expect(make({ algorithm: 'EdDSA', keys: [{ kid: 'a', privateKey: ed.publicKey }] })).toThrow(/privateKey must be a private key/);
    expect(make({ algorithm: 'ES256', keys: [{ kid: 'a', privateKey: ec.privateKey }] })).not.toThrow();
  });

  it('takes a signingKid naming a configured key with a private key, and nothing else', () => {
    const a = ed25519Pair();
    const b = ed25519Pair();
    const both = [
      { kid: 'b', ...b },
      { kid: 'a', ...a },
    ];
    expect(make({ algorithm: 'EdDSA', keys: both, signingKid: 'a' })).not.toThrow();
    // A published-only first key is fine when another key signs.
    expect(
      make({
        algorithm: 'EdDSA',
        keys: [
          { kid: 'b', publicKey: b.publicKey },
          { kid: 'a', ...a },
        ],
        signingKid: 'a',
      }),
    ).not.toThrow();
    expect(make({ algorithm: 'EdDSA', keys: both, signingKid: 'c' })).toThrow(/signingKid "c" is not the kid of any key/);
    expect(
      make({
        algorithm: 'EdDSA',
        keys: [
          { kid: 'b', ...b },
          { kid: 'a', publicKey: a.publicKey },
        ],
        signingKid: 'a',
      }),
    ).toThrow(/signingKid "a" names a key without a privateKey/);
    for (const signingKid of ['', 42, null, 'x'.repeat(129)]) {
      expect(make({ algorithm: 'EdDSA', keys: both, signingKid })).toThrow(/keys\.signingKid must be/);
    }
  });
});

describe('a published key that does not sign yet (signingKid)', () => {
  it('is in the JWKS and verifies, while the named key signs', async () => {
    const k1 = ed25519Pair();
    const k2 = ed25519Pair();
    const { auth } = await setup({
      keys: {
        algorithm: 'EdDSA',
        keys: [
          { kid: 'k2', ...k2 },
          { kid: 'k1', ...k1 },
        ],
        signingKid: 'k1',
      },
    });
    expect((await auth.jwks()).keys.map((key) => key.kid)).toEqual(['k2', 'k1']);
    const { token } = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(decodeProtectedHeader(token).kid).toBe('k1');
    // A k2 token (signed by the next deployment) is already accepted here.
    const next = asymmetricJwt({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k2' }, claims(), k2.privateKey);
    expect((await auth.authenticate(`Bearer ${next}`)).principal.id).toBe(IDS.admin);
  });
});
