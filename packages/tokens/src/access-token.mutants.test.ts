// Tests for mutants of lib/access-token.ts and lib/authorization-header.ts that survived the tokens
// tests (issue "Test strength"): each fails with its mutant applied. See docs/testing.md, "tokens".
import { chatshipperTenantPolicy } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { HS_HEADER, IDS, T0, claims, expectCode, hmacJwt, setup } from './test-fixtures.js';

const policy = chatshipperTenantPolicy;
const NOW_S = Math.floor(T0 / 1000);
/** The default clock tolerance, in seconds. */
const TOLERANCE_S = 5;

/** A token signed with the fixture's key: the fixture's claims with `overrides`, a fresh jti each. */
let serial = 0;
function bearer(overrides: Record<string, unknown>): string {
  serial += 1;
  return `Bearer ${hmacJwt(HS_HEADER, claims(T0, { jti: `jti-${serial}`, ...overrides }))}`;
}

describe('our claim checks beyond jose, at their exact boundaries', () => {
  it('iat and nbf exactly at now + tolerance are accepted, one second later refused', async () => {
    const { auth } = await setup({ policy, verifiedTokenCacheSize: 0 });
    const edge = NOW_S + TOLERANCE_S;
    expect((await auth.authenticate(bearer({ iat: edge, exp: edge + 3600 }))).principal.id).toBe(IDS.admin);
    await expectCode(auth.authenticate(bearer({ iat: edge + 1, exp: edge + 3600 })), 'ERR_TOKEN_INVALID');
    expect((await auth.authenticate(bearer({ nbf: edge }))).principal.id).toBe(IDS.admin);
    await expectCode(auth.authenticate(bearer({ nbf: edge + 1 })), 'ERR_TOKEN_INVALID');
  });

  it('epoch seconds: 0 is a valid nbf; fractions, negatives and unsafe integers are not', async () => {
    const { auth } = await setup({ policy, verifiedTokenCacheSize: 0 });
    expect((await auth.authenticate(bearer({ nbf: 0 }))).principal.id).toBe(IDS.admin);
    for (const nbf of [-1, 0.5, 2 ** 53]) await expectCode(auth.authenticate(bearer({ nbf })), 'ERR_TOKEN_INVALID');
    for (const iat of [NOW_S + 0.5, NOW_S - 0.5]) await expectCode(auth.authenticate(bearer({ iat })), 'ERR_TOKEN_INVALID');
    await expectCode(auth.authenticate(bearer({ exp: NOW_S + 3600.5 })), 'ERR_TOKEN_INVALID');
  });

  it('aud: an array of at most 16 ids holding ours', async () => {
    const { auth } = await setup({ policy, verifiedTokenCacheSize: 0 });
    const others = (count: number) => Array.from({ length: count }, (_, index) => `api-${index}`);
    expect((await auth.authenticate(bearer({ aud: [...others(15), 'chatshipper-api'] }))).principal.id).toBe(IDS.admin);
    await expectCode(auth.authenticate(bearer({ aud: [...others(16), 'chatshipper-api'] })), 'ERR_TOKEN_INVALID');
    for (const odd of ['', 'x'.repeat(257)]) {
      await expectCode(auth.authenticate(bearer({ aud: [odd, 'chatshipper-api'] })), 'ERR_TOKEN_INVALID');
    }
    expect((await auth.authenticate(bearer({ aud: ['x'.repeat(256), 'chatshipper-api'] }))).principal.id).toBe(IDS.admin);
  });

  it('client_id: when present, an id of at most 256 characters', async () => {
    const { auth } = await setup({ policy, verifiedTokenCacheSize: 0 });
    expect((await auth.authenticate(bearer({ client_id: 'c'.repeat(256) }))).principal.id).toBe(IDS.admin);
    await expectCode(auth.authenticate(bearer({ client_id: 'c'.repeat(257) })), 'ERR_TOKEN_INVALID');
  });
});

describe('claims of the wrong type, in an authentic token', () => {
  it('an id claim that is an array (it has a length too) is refused: sub, jti, sid, org, client_id', async () => {
    const { auth } = await setup({ policy, verifiedTokenCacheSize: 0 });
    const cases: Record<string, unknown>[] = [
      { sub: [IDS.admin] },
      { jti: ['j'.repeat(32)] },
      { sid: ['s'.repeat(32)] },
      { org: ['r1'] },
      { client_id: ['client'] },
    ];
    for (const overrides of cases) await expectCode(auth.authenticate(bearer(overrides)), 'ERR_TOKEN_INVALID');
  });

  it('a scope claim that is not a string is refused, even one that would read as admin', async () => {
    const { auth } = await setup({ policy, verifiedTokenCacheSize: 0 });
    for (const scope of [['admin'], { admin: true }, 1, true, null]) {
      await expectCode(auth.authenticate(bearer({ scope })), 'ERR_TOKEN_INVALID');
    }
  });

  it('logout refuses one too (it does not read the scopes): the session stays', async () => {
    const { auth } = await setup({ policy, verifiedTokenCacheSize: 0 });
    const malformed = bearer({ scope: ['admin'] }).slice('Bearer '.length);
    await expectCode(auth.logout(malformed), 'ERR_TOKEN_INVALID');
    // Same session (sid), well formed: still accepted, so the refused logout revoked nothing.
    expect((await auth.authenticate(bearer({}))).principal.id).toBe(IDS.admin);
  });

  it('org_path without org is refused, whatever the path (also one ending in "#undefined")', async () => {
    const { auth } = await setup({ policy, verifiedTokenCacheSize: 0 });
    for (const path of ['undefined', 'r1#undefined', 'r1']) {
      await expectCode(auth.authenticate(bearer({ org_path: path })), 'ERR_TOKEN_INVALID');
    }
  });
});

describe('maxTokenLength, at its exact boundary, wherever a token comes in', () => {
  const token = hmacJwt(HS_HEADER, claims(T0, { email: `${'a'.repeat(200)}@example.com` }));

  it('a token of exactly maxTokenLength characters is accepted, one character more is refused', async () => {
    const exact = await setup({ policy, maxTokenLength: token.length });
    expect((await exact.auth.authenticate(`Bearer ${token}`)).principal.id).toBe(IDS.admin);
    const under = await setup({ policy, maxTokenLength: token.length - 1 });
    expect((await expectCode(under.auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_INVALID')).message).toBe('Invalid access token');
    // Too long is an invalid token whatever its shape: hex-only is not read as a malformed API key.
    await expectCode(under.auth.authenticate(`Bearer ${'a'.repeat(token.length)}`), 'ERR_TOKEN_INVALID');
  });

  it('logout checks the length too: an authentic token longer than the limit revokes nothing', async () => {
    const { auth } = await setup({ policy, maxTokenLength: token.length - 1 });
    await expectCode(auth.logout(token), 'ERR_TOKEN_INVALID');
    const exact = await setup({ policy, maxTokenLength: token.length });
    await exact.auth.logout(token);
    await expectCode(exact.auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED');
  });
});

describe('the Authorization header: each refusal says what is wrong', () => {
  it('Bearer without a token, however many spaces follow', async () => {
    const { auth } = await setup({ policy });
    for (const header of ['Bearer', 'Bearer ', 'Bearer   ', 'bearer']) {
      expect((await expectCode(auth.authenticate(header), 'ERR_AUTH_MALFORMED')).message, JSON.stringify(header)).toBe('Bearer requires a token');
    }
    expect((await expectCode(auth.authenticate('Bearer  x'), 'ERR_AUTH_MALFORMED')).message).toBe('Malformed Authorization header');
    expect((await expectCode(auth.authenticate(['Bearer a', 'Bearer b']), 'ERR_AUTH_MALFORMED')).message).toBe('Several Authorization headers');
    expect((await expectCode(auth.authenticate('Basic abc'), 'ERR_AUTH_SCHEME')).message).toBe('Use the Bearer authentication scheme');
    for (const header of ['@bearer x', 'Bearer\tx', 'Bearer  x']) {
      expect((await expectCode(auth.authenticate(header), 'ERR_AUTH_MALFORMED')).message, JSON.stringify(header)).toBe(
        'Malformed Authorization header',
      );
    }
    for (const header of [42, {}, [7]]) {
      expect((await expectCode(auth.authenticate(header as string), 'ERR_AUTH_MALFORMED')).message).toBe('Malformed Authorization header');
    }
    for (const header of [undefined, null, '', [], '   ']) {
      expect((await expectCode(auth.authenticate(header as string), 'ERR_AUTH_REQUIRED')).message).toBe('Authentication required');
    }
  });
});
