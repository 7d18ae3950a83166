// Tests for mutants of lib/access-token.ts that survived the tokens tests (issue "Test strength"):
// the `claims` option's checks at their exact boundaries, and our claim checks that jose does not
// make. Each fails with its mutant applied. See docs/testing.md, "tokens".
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { HS_HEADER, PASSWORD, SECRET, T0, claims, expectCode, setup } from './test-fixtures.js';
import { createHmac } from 'node:crypto';

type Claims = Readonly<Record<string, string | number | boolean>>;

/** The access token a guest login gets with the `claims` option returning `extra`. */
async function tokenWith(extra: unknown): Promise<Record<string, unknown>> {
  const { auth } = await setup({ claims: () => extra as Claims });
  return decodeJwt((await auth.login({ email: 'guest@example.com', password: PASSWORD })).token);
}

/** The `TypeError` message of a login refused because of what the `claims` option returned. */
async function misuseOf(extra: unknown): Promise<string> {
  const { auth } = await setup({ claims: () => extra as Claims });
  const error = await expectCode(auth.login({ email: 'guest@example.com', password: PASSWORD }), 'ERR_INTERNAL');
  expect(error.cause).toBeInstanceOf(TypeError);
  return (error.cause as TypeError).message;
}

describe('the claims option, at its exact boundaries', () => {
  it('exactly 16 claims are written, 17 refused (with the limit in the message)', async () => {
    const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`c${index}`, index]));
    expect(await tokenWith(many(16))).toMatchObject(many(16));
    expect(await misuseOf(many(17))).toBe('claims must return at most 16 claims');
  });

  it('a string of exactly 1024 characters is written, 1025 refused', async () => {
    expect((await tokenWith({ s: 'x'.repeat(1024) }))['s']).toBe('x'.repeat(1024));
    expect(await misuseOf({ s: 'x'.repeat(1025) })).toBe(
      'claims must return string (at most 1024 characters), finite number or boolean values ("s")',
    );
  });

  it('false, 0 and the empty string are values like any other; null, undefined, Infinity and bigints are not', async () => {
    expect(await tokenWith({ f: false, z: 0, e: '', n: -1.5 })).toMatchObject({ f: false, z: 0, e: '', n: -1.5 });
    for (const value of [null, undefined, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1n, Symbol('s'), () => 1]) {
      expect(await misuseOf({ v: value }), String(value)).toBe(
        'claims must return string (at most 1024 characters), finite number or boolean values ("v")',
      );
    }
  });

  it('only a plain object: null, a null-prototype object, a class instance, an array or a primitive is refused', async () => {
    class Bag {
      readonly tenant = 'acme';
    }
    const nullPrototype = Object.assign(Object.create(null) as object, { tenant: 'acme' });
    const refused = [null, nullPrototype, new Bag(), ['x'], 'x', 1, undefined];
    for (const [index, value] of refused.entries()) {
      expect(await misuseOf(value), `value #${index}`).toBe('claims must return a plain object');
    }
    expect(await tokenWith({})).not.toHaveProperty('tenant');
  });

  it('claim names: a letter, "_" or "$" first, then letters, digits, "_", "$" or "-", at most 64 in all', async () => {
    const ok = { a: 1, _b: 2, $c: 3, ['d'.repeat(64)]: 4, 'e-9_$': 5, Z0: 6 };
    expect(await tokenWith(ok)).toMatchObject(ok);
    for (const name of ['9a', '-a', '', 'a b', 'a.b', 'ä', 'd'.repeat(65), 'a\n']) {
      const message = await misuseOf({ [name]: 1 });
      expect(message, JSON.stringify(name)).toBe(
        `claims must not return "${name.slice(0, 64)}": the service writes the registered and its own claims`,
      );
    }
  });

  it('every claim the service writes is refused, typ, nbf, iat, jti and org_path included', async () => {
    for (const name of ['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'client_id', 'scope', 'sid', 'org', 'org_path', 'email', 'typ']) {
      expect(await misuseOf({ [name]: 'x' }), name).toBe(`claims must not return "${name}": the service writes the registered and its own claims`);
    }
  });
});

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('verifying an access token', () => {
  it('refuses a payload segment with non-canonical trailing bits, even correctly signed over it', async () => {
    const { auth } = await setup({ verifiedTokenCacheSize: 0 });
    const header = Buffer.from(JSON.stringify(HS_HEADER)).toString('base64url');
    // A payload whose encoding ends in a partial group (unused low bits in the last character).
    let json = JSON.stringify(claims(T0));
    while (json.length % 3 === 0) json = `${json} `;
    const canonical = Buffer.from(json).toString('base64url');
    const last = ALPHABET.indexOf(canonical.slice(-1));
    const sibling = `${canonical.slice(0, -1)}${ALPHABET[last | 1]}`;
    expect(sibling).not.toBe(canonical);
    expect(Buffer.from(sibling, 'base64url').equals(Buffer.from(canonical, 'base64url'))).toBe(true);
    const sign = (payload: string) => `${header}.${payload}.${createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')}`;
    expect((await auth.authenticate(`Bearer ${sign(canonical)}`)).principal.scopes).toEqual(['admin']);
    const error = await expectCode(auth.authenticate(`Bearer ${sign(sibling)}`), 'ERR_TOKEN_INVALID');
    expect(error.message).toBe('Invalid access token');
  });

  it('says why: "Invalid access token" for a bad signature, "The access token expired" for an expired one', async () => {
    const { auth, clock } = await setup({ verifiedTokenCacheSize: 0 });
    const { token } = await auth.login({ email: 'guest@example.com', password: PASSWORD });
    const [h, p] = token.split('.') as [string, string];
    const forged = `${h}.${p}.${createHmac('sha256', 'another secret, 32 bytes long....').update(`${h}.${p}`).digest('base64url')}`;
    expect((await expectCode(auth.authenticate(`Bearer ${forged}`), 'ERR_TOKEN_INVALID')).message).toBe('Invalid access token');
    clock.advance((24 * 3600 + 10) * 1000);
    expect((await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_EXPIRED')).message).toBe('The access token expired');
  });
});
