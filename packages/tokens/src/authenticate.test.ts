import { describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { HS_HEADER, IDS, ORG, PASSWORD, SECRET, claims, expectCode, hmacJwt, setup, signingInput } from './test-fixtures.js';

const login = async (fixture: Awaited<ReturnType<typeof setup>>, email = 'admin@example.com') => fixture.auth.login({ email, password: PASSWORD });

describe('authenticate: the Authorization header', () => {
  it('answers ERR_AUTH_REQUIRED when the header is missing or empty', async () => {
    const { auth } = await setup();
    await expectCode(auth.authenticate(undefined), 'ERR_AUTH_REQUIRED');
    await expectCode(auth.authenticate(''), 'ERR_AUTH_REQUIRED');
    await expectCode(auth.authenticate([]), 'ERR_AUTH_REQUIRED');
    await expectCode(auth.authenticate('   '), 'ERR_AUTH_REQUIRED');
  });

  it('answers ERR_AUTH_SCHEME for other schemes, and for a token sent without a scheme', async () => {
    const fixture = await setup();
    const { token } = await login(fixture);
    for (const header of ['Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Token abc', 'Digest username="a"', 'Bearerx abc', 'Basic', token]) {
      await expectCode(fixture.auth.authenticate(header), 'ERR_AUTH_SCHEME');
    }
  });

  it('answers ERR_AUTH_MALFORMED for Bearer alone, double spaces, extra parts and several headers', async () => {
    const fixture = await setup();
    const { token } = await login(fixture);
    const malformed = [
      'Bearer',
      'Bearer ',
      'bearer   ',
      `Bearer  ${token}`,
      `Bearer ${token} extra`,
      `Bearer ${token} `,
      `Bearer\t${token}`,
      `Bearer,${token}`,
      ` Bearer ${token}`,
      `Bearer "${token}"`,
      `Bearer ${token}\n`,
    ];
    for (const header of malformed) await expectCode(fixture.auth.authenticate(header), 'ERR_AUTH_MALFORMED');
    await expectCode(fixture.auth.authenticate([`Bearer ${token}`, `Bearer ${token}`]), 'ERR_AUTH_MALFORMED');
    await expectCode(fixture.auth.authenticate(42 as unknown as string), 'ERR_AUTH_MALFORMED');
    await expectCode(fixture.auth.authenticate({} as unknown as string), 'ERR_AUTH_MALFORMED');
  });

  it('accepts the scheme in any case, and a single-element array', async () => {
    const fixture = await setup();
    const { token } = await login(fixture);
    for (const header of [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, [`Bearer ${token}`]]) {
      const { principal } = await fixture.auth.authenticate(header);
      expect(principal.id).toBe(IDS.admin);
    }
  });

  it('answers ERR_TOKEN_INVALID for a credential that is neither a JWT nor an API key', async () => {
    const { auth } = await setup();
    for (const credential of ['xyz', 'a.b', 'a.b.c.d', 'eyJ.eyJ.sig=', 'a+b/c', '~~~', 'x'.repeat(40)]) {
      await expectCode(auth.authenticate(`Bearer ${credential}`), 'ERR_TOKEN_INVALID');
    }
  });

  it('answers ERR_TOKEN_INVALID for an oversized token, before any verification', async () => {
    const { auth } = await setup();
    const huge = hmacJwt(HS_HEADER, claims(undefined, { pad: 'x'.repeat(5000) }));
    await expectCode(auth.authenticate(`Bearer ${huge}`), 'ERR_TOKEN_INVALID');
    const { auth: roomy } = await setup({ maxTokenLength: 16_384 });
    // The same token is fine once the cap allows it: the cap, not the signature, refused it.
    await expect(roomy.authenticate(`Bearer ${huge}`)).resolves.toBeDefined();
  });
});

describe('authenticate: access tokens', () => {
  it('returns the principal, its CASL ability and the token facts', async () => {
    const fixture = await setup();
    const { token } = await login(fixture, 'agent@example.com');
    const result = await fixture.auth.authenticate(`Bearer ${token}`);
    expect(result.principal).toEqual({
      id: IDS.agent,
      scopes: ['agent'],
      kind: 'user',
      organization: ORG,
      organizationPath: ORG,
      email: 'agent@example.com',
    });
    expect(result.ability.can('list', 'Conversation')).toBe(true);
    expect(result.ability.can('list', 'User')).toBe(false);
    const payload = decodeJwt(token);
    expect(result.token).toEqual({
      kind: 'jwt',
      jti: payload.jti,
      issuedAt: payload.iat,
      expiresAt: payload.exp,
      familyId: payload['sid'],
    });
  });

  it('signs with typ at+jwt and the required claims', async () => {
    const fixture = await setup();
    const { token } = await login(fixture);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const payload = decodeJwt(token);
    expect(Object.keys(payload).sort()).toEqual(
      ['aud', 'client_id', 'email', 'exp', 'iat', 'iss', 'jti', 'org', 'org_path', 'scope', 'sid', 'sub'].sort(),
    );
    // RFC 9068 §2.2: client_id defaults to the issuer.
    expect(payload).toMatchObject({
      sub: IDS.admin,
      scope: 'admin',
      iss: 'https://issuer.test',
      aud: 'chatshipper-api',
      client_id: 'https://issuer.test',
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(86_400);
  });

  it('answers from the cache for a token it has seen, still checking expiry and revocation', async () => {
    const fixture = await setup();
    const { token } = await login(fixture);
    const first = await fixture.auth.authenticate(`Bearer ${token}`);
    const second = await fixture.auth.authenticate(`Bearer ${token}`);
    expect(second.principal).toBe(first.principal);
    expect(second.ability).toBe(first.ability);
    await fixture.auth.logout(token);
    await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED');
  });

  it('answers a cached token only in a well-formed header: every other form fails as it did before', async () => {
    const fixture = await setup();
    const { token } = await login(fixture);
    const first = await fixture.auth.authenticate(`Bearer ${token}`); // now cached
    for (const header of [`bearer ${token}`, `BEARER ${token}`, `bEaReR ${token}`, [`Bearer ${token}`]]) {
      expect((await fixture.auth.authenticate(header)).principal).toBe(first.principal);
    }
    const malformed = [`Bearer  ${token}`, `Bearer ${token} `, `Bearer\t${token}`, ` Bearer ${token}`, `Bearer ${token}\n`, `Bearer,${token}`];
    for (const header of malformed) await expectCode(fixture.auth.authenticate(header), 'ERR_AUTH_MALFORMED');
    await expectCode(fixture.auth.authenticate([`Bearer ${token}`, `Bearer ${token}`]), 'ERR_AUTH_MALFORMED');
    for (const header of [`Basic ${token}`, `Token ${token}`, `Bearer_${token}`, token]) {
      await expectCode(fixture.auth.authenticate(header), 'ERR_AUTH_SCHEME');
    }
    // A prefix or an extension of a cached token is another token.
    await expectCode(fixture.auth.authenticate(`Bearer ${token.slice(0, -1)}`), 'ERR_TOKEN_INVALID');
    await expectCode(fixture.auth.authenticate(`Bearer ${token}A`), 'ERR_TOKEN_INVALID');
  });

  it('reads the clock only for a credential it accepts: a broken clock fails the request, never the header checks', async () => {
    let broken = false;
    const clock = () => (broken ? Number.NaN : Date.UTC(2026, 0, 15, 12, 0, 0));
    const fixture = await setup({ clock });
    const { token } = await login(fixture);
    await fixture.auth.authenticate(`Bearer ${token}`); // cached
    broken = true;
    await expectCode(fixture.auth.authenticate(`Bearer  ${token}`), 'ERR_AUTH_MALFORMED');
    await expectCode(fixture.auth.authenticate(`Basic ${token}`), 'ERR_AUTH_SCHEME');
    await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_INTERNAL');
  });

  it('fails closed when the store fails on a cache hit, whether it rejects or throws', async () => {
    const fixture = await setup();
    const { token } = await login(fixture);
    await fixture.auth.authenticate(`Bearer ${token}`); // cached
    const { isAccessTokenRevoked, isFamilyRevoked } = fixture.store;
    fixture.store.isFamilyRevoked = async () => {
      throw new Error('connection lost');
    };
    await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_STORE_UNAVAILABLE');
    fixture.store.isFamilyRevoked = isFamilyRevoked;
    fixture.store.isAccessTokenRevoked = () => {
      throw new Error('synchronous throw');
    };
    await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_STORE_UNAVAILABLE');
    fixture.store.isAccessTokenRevoked = isAccessTokenRevoked;
    await expect(fixture.auth.authenticate(`Bearer ${token}`)).resolves.toBeDefined();
  });

  it('refuses a cached token once its family is revoked (refresh reuse), on every later request', async () => {
    const fixture = await setup();
    const { token } = await login(fixture);
    const { token: jti } = await fixture.auth.authenticate(`Bearer ${token}`);
    if (jti.kind !== 'jwt') throw new Error('expected a JWT');
    await fixture.store.revokeFamily(jti.familyId, Date.UTC(2027, 0, 1));
    await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED');
    await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_REVOKED');
  });

  it('works with the cache turned off', async () => {
    const fixture = await setup({ verifiedTokenCacheSize: 0 });
    const { token } = await login(fixture);
    const first = await fixture.auth.authenticate(`Bearer ${token}`);
    const second = await fixture.auth.authenticate(`Bearer ${token}`);
    expect(second.principal).toEqual(first.principal);
    expect(second.principal).not.toBe(first.principal);
  });

  describe('expiry (24 h, 5 s tolerance, fake clock)', () => {
    for (const cached of [true, false]) {
      it(`accepts a token expired inside the tolerance and refuses one outside it (${cached ? 'cached' : 'first sight'})`, async () => {
        const fixture = await setup();
        const { token } = await login(fixture);
        if (cached) await fixture.auth.authenticate(`Bearer ${token}`);
        fixture.clock.advance(24 * 3600_000 - 1);
        await expect(fixture.auth.authenticate(`Bearer ${token}`)).resolves.toBeDefined();
        fixture.clock.advance(1 + 4_999);
        await expect(fixture.auth.authenticate(`Bearer ${token}`)).resolves.toBeDefined();
        fixture.clock.advance(1);
        await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_EXPIRED');
      });
    }

    it('honours a short accessTokenTtl such as 2s', async () => {
      const fixture = await setup({ accessTokenTtl: '2s', clockTolerance: 0 });
      const { token } = await login(fixture);
      fixture.clock.advance(1_999);
      await expect(fixture.auth.authenticate(`Bearer ${token}`)).resolves.toBeDefined();
      fixture.clock.advance(1);
      await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_EXPIRED');
    });

    it('refuses a token whose exp is too far after its iat (older than accessTokenTtl)', async () => {
      const { auth } = await setup();
      const token = hmacJwt(
        HS_HEADER,
        claims(undefined, { iat: Math.floor(Date.UTC(2026, 0, 14) / 1000), exp: Math.floor(Date.UTC(2026, 0, 17) / 1000) }),
      );
      await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_EXPIRED');
    });

    it('caches a token no longer than accessTokenTtl after its iat, even when its exp is later', async () => {
      // A 7-day token (e.g. signed before the TTL was shortened) is accepted inside the TTL, and
      // must then expire on time on the cache-hit path too, as the full check would.
      const fixture = await setup({ accessTokenTtl: '1h' });
      const iat = Math.floor(fixture.clock() / 1000);
      const token = hmacJwt(HS_HEADER, claims(undefined, { iat, exp: iat + 7 * 24 * 3600 }));
      await expect(fixture.auth.authenticate(`Bearer ${token}`)).resolves.toBeDefined(); // verified and cached
      fixture.clock.advance(30 * 60 * 1000);
      await expect(fixture.auth.authenticate(`Bearer ${token}`)).resolves.toBeDefined(); // cache hit
      fixture.clock.advance(31 * 60 * 1000 + 5_000); // past iat + 1 h + tolerance
      await expectCode(fixture.auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_EXPIRED');
    });

    it('exposes the expired status for the adapters: 403 by default, 401 on request', async () => {
      expect((await setup()).auth.http).toEqual({ realm: 'scopeladder', expiredTokenStatus: 403 });
      expect((await setup({ expiredTokenStatus: 401, realm: 'chatshipper' })).auth.http).toEqual({
        realm: 'chatshipper',
        expiredTokenStatus: 401,
      });
    });
  });

  describe('forged and malformed tokens', () => {
    it('accepts a well-formed token made with the right key (the crafting helpers work)', async () => {
      const { auth } = await setup();
      const { principal } = await auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims())}`);
      expect(principal).toEqual({ id: IDS.admin, scopes: ['admin'], kind: 'user' });
    });

    it('refuses alg none in any casing, with or without a signature', async () => {
      const { auth } = await setup();
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        const unsigned = `${signingInput({ alg, typ: 'at+jwt' }, claims())}.`;
        await expectCode(auth.authenticate(`Bearer ${unsigned}`), 'ERR_TOKEN_INVALID');
        const signed = hmacJwt({ alg, typ: 'at+jwt' }, claims());
        await expectCode(auth.authenticate(`Bearer ${signed}`), 'ERR_TOKEN_INVALID');
      }
    });

    it('refuses other HMAC algorithms and a missing alg, even with the right secret', async () => {
      const { auth } = await setup();
      for (const header of [{ alg: 'HS384', typ: 'at+jwt' }, { alg: 'hs256', typ: 'at+jwt' }, { typ: 'at+jwt' }, { alg: ['HS256'], typ: 'at+jwt' }]) {
        await expectCode(auth.authenticate(`Bearer ${hmacJwt(header, claims())}`), 'ERR_TOKEN_INVALID');
      }
    });

    it('refuses a token signed with another secret', async () => {
      const { auth } = await setup();
      const token = hmacJwt(HS_HEADER, claims(), 'another secret that is 32 bytes!');
      await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_INVALID');
    });

    it('refuses embedded key headers (jwk, jku, x5u, x5c) even on a correctly signed token', async () => {
      const { auth } = await setup();
      const extras = [
        { jwk: { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') } },
        { jku: 'https://attacker.example/jwks.json' },
        { x5u: 'https://attacker.example/cert.pem' },
        { x5c: ['MIIB'] },
        { x5t: 'abc' },
        { cty: 'JWT' },
        { zip: 'DEF' },
      ];
      for (const extra of extras) {
        await expectCode(auth.authenticate(`Bearer ${hmacJwt({ ...HS_HEADER, ...extra }, claims())}`), 'ERR_TOKEN_INVALID');
      }
    });

    it('refuses crit and b64:false headers', async () => {
      const { auth } = await setup();
      await expectCode(auth.authenticate(`Bearer ${hmacJwt({ ...HS_HEADER, crit: ['exp'], exp: 1 }, claims())}`), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(`Bearer ${hmacJwt({ ...HS_HEADER, crit: [] }, claims())}`), 'ERR_TOKEN_INVALID');
      // RFC 7797: unencoded payload.
      const header = { ...HS_HEADER, b64: false, crit: ['b64'] };
      await expectCode(auth.authenticate(`Bearer ${hmacJwt(header, claims())}`), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(`Bearer ${hmacJwt({ ...HS_HEADER, b64: false }, claims())}`), 'ERR_TOKEN_INVALID');
    });

    it('refuses kid path and prototype tricks', async () => {
      const { auth } = await setup();
      const kids: unknown[] = [
        '../../../../dev/null',
        '/etc/passwd',
        '__proto__',
        'constructor',
        'toString',
        "' OR 1=1 --",
        '',
        0,
        null,
        ['a'],
        { a: 1 },
      ];
      for (const kid of kids) {
        await expectCode(auth.authenticate(`Bearer ${hmacJwt({ ...HS_HEADER, kid }, claims())}`), 'ERR_TOKEN_INVALID');
      }
      const { auth: withKid } = await setup({ keys: { algorithm: 'HS256', secret: SECRET, kid: 'main' } });
      await expect(withKid.authenticate(`Bearer ${hmacJwt({ ...HS_HEADER, kid: 'main' }, claims())}`)).resolves.toBeDefined();
      for (const kid of ['main/../main', 'main\u0000', 'MAIN', ' main', undefined]) {
        await expectCode(withKid.authenticate(`Bearer ${hmacJwt({ ...HS_HEADER, kid }, claims())}`), 'ERR_TOKEN_INVALID');
      }
    });

    it('checks every token as fully once a header was accepted (its verdict is kept for that exact header only)', async () => {
      const { auth } = await setup({ verifiedTokenCacheSize: 0 });
      const genuine = hmacJwt(HS_HEADER, claims());
      await expect(auth.authenticate(`Bearer ${genuine}`)).resolves.toBeDefined();
      const [h, p, s] = genuine.split('.') as [string, string, string];
      // The same header: the signature and every claim are still checked.
      const forgedPayload = Buffer.from(JSON.stringify({ ...claims(), sub: IDS.guest })).toString('base64url');
      const sigIndex = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(s.slice(-1));
      const spareBitsSet = `${s.slice(0, -1)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[sigIndex ^ 1]}`;
      for (const token of [
        `${h}.${forgedPayload}.${s}`,
        `${h}.${p}.${spareBitsSet}`,
        `${h}.${p}.`,
        hmacJwt(HS_HEADER, claims(), 'another secret that is 32 bytes!'),
        hmacJwt(HS_HEADER, claims(undefined, { iss: 'https://elsewhere.test' })),
        hmacJwt(HS_HEADER, claims(undefined, { aud: 'another-api' })),
        hmacJwt(HS_HEADER, claims(undefined, { sub: 7 })),
      ]) {
        await expectCode(auth.authenticate(`Bearer ${token}`), 'ERR_TOKEN_INVALID');
      }
      await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(Date.UTC(2020, 0, 1)))}`), 'ERR_TOKEN_EXPIRED');
      // Another header, even one that only differs in form, gets every header check.
      for (const header of [
        { alg: 'none', typ: 'at+jwt' },
        { alg: 'HS384', typ: 'at+jwt' },
        { ...HS_HEADER, typ: 'JWT' },
        { ...HS_HEADER, jwk: { kty: 'oct', k: Buffer.from(SECRET).toString('base64url') } },
        { ...HS_HEADER, kid: '__proto__' },
        { ...HS_HEADER, crit: ['exp'] },
        `{"alg":"HS256","typ":"at+jwt","alg":"none"}`,
        `{"alg":"HS256","typ":"at+jwt"}x`,
      ]) {
        await expectCode(auth.authenticate(`Bearer ${hmacJwt(header, claims())}`), 'ERR_TOKEN_INVALID');
      }
      // A header of the same meaning in another form is checked and accepted on its own.
      await expect(auth.authenticate(`Bearer ${hmacJwt('{"typ":"at+jwt", "alg":"HS256"}', claims())}`)).resolves.toBeDefined();
      await expect(auth.authenticate(`Bearer ${genuine}`)).resolves.toBeDefined();
    });

    it('refuses truncated, tampered and badly encoded tokens', async () => {
      const fixture = await setup();
      const { token } = await login(fixture);
      const [h, p, s] = token.split('.') as [string, string, string];
      const forgedPayload = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), scope: 'admin', sub: IDS.guest }),
      ).toString('base64url');
      const flip = (c: string) => (c === 'A' ? 'B' : 'A');
      const variants = [
        token.slice(0, -1),
        token.slice(0, token.length >> 1),
        `${h}.${p}.`,
        `${h}.${p}`,
        `${h}.${forgedPayload}.${s}`,
        `${h}.${p}.${s.slice(0, -1)}${flip(s.slice(-1))}`,
        `${h}.${p.slice(0, -1)}${flip(p.slice(-1))}.${s}`,
        `${h}.${p}.${s}=`,
        `${h}.${p}.${Buffer.from(s, 'base64url').toString('base64')}`,
        `${h}=.${p}.${s}`,
        `${h}.${p}.${s}.${s}`,
        `.${p}.${s}`,
      ];
      for (const variant of variants) {
        const error = await fixture.auth.authenticate(`Bearer ${variant}`).then(
          () => null,
          (caught: { code?: string }) => caught.code,
        );
        expect(['ERR_TOKEN_INVALID', 'ERR_AUTH_MALFORMED'], variant).toContain(error);
      }
      expect(await fixture.auth.authenticate(`Bearer ${token}`)).toBeDefined();
    });

    it('refuses a signature with non-canonical trailing bits (one token string per signature)', async () => {
      const { auth } = await setup();
      const token = hmacJwt(HS_HEADER, claims());
      const [h, p, s] = token.split('.') as [string, string, string];
      // 32-byte HMAC → 43 chars; the last char carries 2 unused bits. Set them.
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(s.slice(-1));
      const sibling = `${h}.${p}.${s.slice(0, -1)}${alphabet[last | 1]}`;
      expect(Buffer.from(sibling.split('.')[2] as string, 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
      await expectCode(auth.authenticate(`Bearer ${sibling}`), 'ERR_TOKEN_INVALID');
    });

    it('refuses nbf and iat in the future (beyond the tolerance), accepts them inside it', async () => {
      const { auth } = await setup();
      const now = Math.floor(Date.UTC(2026, 0, 15, 12) / 1000);
      await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, { nbf: now + 60 }))}`), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, { nbf: 'soon' }))}`), 'ERR_TOKEN_INVALID');
      await expect(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, { nbf: now + 4 }))}`)).resolves.toBeDefined();
      await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, { iat: now + 60, exp: now + 3600 }))}`), 'ERR_TOKEN_INVALID');
      await expect(
        auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, { iat: now + 4, exp: now + 3600, jti: 'other' }))}`),
      ).resolves.toBeDefined();
    });

    it('refuses a wrong or missing iss or aud', async () => {
      const { auth } = await setup();
      const cases: Record<string, unknown>[] = [
        { iss: 'https://attacker.test' },
        { iss: undefined },
        { aud: 'other-api' },
        { aud: undefined },
        { aud: ['other-api'] },
        { aud: [] },
        { aud: ['other-api', 7, 'chatshipper-api'] },
        { aud: [...Array.from({ length: 16 }, (_, index) => `api-${index}`), 'chatshipper-api'] },
        { aud: { 0: 'chatshipper-api' } },
        { iss: 7 },
        { client_id: 7 },
        { client_id: '' },
      ];
      for (const overrides of cases) {
        await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, overrides))}`), 'ERR_TOKEN_INVALID');
      }
    });

    it('accepts an aud array holding ours (RFC 7519 §4.1.3), and a token with or without client_id', async () => {
      const { auth } = await setup();
      for (const overrides of [{ aud: ['other-api', 'chatshipper-api'] }, { aud: ['chatshipper-api'] }, { client_id: 'web' }, {}]) {
        await expect(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, overrides))}`)).resolves.toBeDefined();
      }
    });

    it('refuses a wrong or missing typ (no other JWT passes as an access token)', async () => {
      const { auth } = await setup();
      for (const typ of ['JWT', 'jwt', 'application/jwt', 'id_token+jwt', undefined, 1]) {
        await expectCode(auth.authenticate(`Bearer ${hmacJwt({ alg: 'HS256', typ }, claims())}`), 'ERR_TOKEN_INVALID');
      }
      await expect(auth.authenticate(`Bearer ${hmacJwt({ alg: 'HS256', typ: 'application/at+jwt' }, claims())}`)).resolves.toBeDefined();
    });

    it('refuses missing or mistyped required claims', async () => {
      const { auth } = await setup();
      const cases: Record<string, unknown>[] = [
        { sub: undefined },
        { sub: 12 },
        { sub: '' },
        { jti: undefined },
        { jti: 5 },
        { sid: undefined },
        { sid: {} },
        { iat: undefined },
        { exp: undefined },
        { exp: '9999999999' },
        { iat: 1.5 },
        { org: 5 },
        { email: ['a'] },
      ];
      for (const overrides of cases) {
        await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, overrides))}`), 'ERR_TOKEN_INVALID');
      }
      await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, '[1,2]')}`), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, 'not json')}`), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(`Bearer ${hmacJwt('not json', claims())}`), 'ERR_TOKEN_INVALID');
      await expectCode(auth.authenticate(`Bearer ${hmacJwt('[]', claims())}`), 'ERR_TOKEN_INVALID');
    });

    it('refuses a scope claim that is a number, an object, an array or malformed', async () => {
      const { auth } = await setup();
      for (const scope of [7, { admin: true }, ['admin'], null, true, '', 'admin  agent', ' admin', 'admin\tagent', 'adm"in']) {
        await expectCode(auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, { scope }))}`), 'ERR_TOKEN_INVALID');
      }
    });

    it('drops unknown scopes: they grant nothing', async () => {
      const { auth } = await setup();
      const mixed = await auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, { scope: 'superuser agent root' }))}`);
      expect(mixed.principal.scopes).toEqual(['agent']);
      expect(mixed.ability.can('create', 'Organization')).toBe(false);
      const unknown = await auth.authenticate(`Bearer ${hmacJwt(HS_HEADER, claims(undefined, { scope: 'superuser', jti: 'x2' }))}`);
      expect(unknown.principal.scopes).toEqual([]);
      expect(unknown.ability.can('create', 'Message')).toBe(false);
    });
  });
});
