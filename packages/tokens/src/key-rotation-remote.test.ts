// Key rotation as a remote verifier sees it: a real loopback HTTP server serves `service.jwks()`,
// and jose's `createRemoteJWKSet` (caching the set, refetching on an unknown kid at most once per
// cooldown) verifies the tokens, in this process and in another one.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { AsymmetricKeysOptions } from './lib/keys.js';
import type { AuthService } from './service-types.js';
import { IDS, PASSWORD, ed25519Pair, p256Pair, setup } from './test-fixtures.js';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'chatshipper-api';
// The verifier's cache time: short here, 10 minutes by jose's default. Its cooldown stays
// jose's default (30 s), far longer than any of these tests.
const CACHE_MAX_AGE_MS = 300;

/** A JWKS server over whatever service is current: "deploying" a new key set is replacing it. */
async function serveJwks(): Promise<{ url: URL; deploy(service: AuthService): void; fetches(): number; close(): Promise<void> }> {
  let current: AuthService | undefined;
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches += 1;
    if (current === undefined || req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    void current.jwks().then((set) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(set)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`),
    deploy: (service) => {
      current = service;
    },
    fetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((server) => server.close()));
});

async function service(keys: AsymmetricKeysOptions): Promise<AuthService> {
  return (await setup({ keys, clock: Date.now })).auth;
}

async function tokenOf(auth: AuthService): Promise<string> {
  return (await auth.login({ email: 'admin@example.com', password: PASSWORD })).token;
}

function verify(token: string, jwks: JWTVerifyGetKey, algorithm: string): Promise<unknown> {
  return jwtVerify(token, jwks, { issuer: ISSUER, audience: AUDIENCE, algorithms: [algorithm], typ: 'at+jwt' });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const algorithms = [
  { algorithm: 'EdDSA' as const, pair: ed25519Pair },
  { algorithm: 'ES256' as const, pair: p256Pair },
];

for (const { algorithm, pair } of algorithms) {
  describe(`${algorithm}: rotating keys under a createRemoteJWKSet verifier`, () => {
    it('never fails during the three steps: publish, then sign, then retire', async () => {
      const k1 = pair();
      const k2 = pair();
      const server = await serveJwks();
      open.push(server);
      const jwks = createRemoteJWKSet(server.url, { cacheMaxAge: CACHE_MAX_AGE_MS });

      // Before: k1 alone. The verifier fetches and caches { k1 }.
      const before = await service({ algorithm, keys: [{ kid: 'k1', ...k1 }] });
      server.deploy(before);
      const old = await tokenOf(before);
      await expect(verify(old, jwks, algorithm)).resolves.toBeDefined();

      // Step 1: k2 published, k1 still signs.
      const published = await service({
        algorithm,
        keys: [
          { kid: 'k2', ...k2 },
          { kid: 'k1', ...k1 },
        ],
        signingKid: 'k1',
      });
      server.deploy(published);
      expect((await published.jwks()).keys.map((key) => key.kid)).toEqual(['k2', 'k1']);
      const stillOld = await tokenOf(published);
      expect(JSON.parse(Buffer.from(stillOld.split('.')[0] as string, 'base64url').toString()).kid).toBe('k1');
      await expect(verify(stillOld, jwks, algorithm)).resolves.toBeDefined();
      await expect(verify(old, jwks, algorithm)).resolves.toBeDefined();

      // Step 2, after the verifiers' cache time: k2 signs; k1 still verifies older tokens.
      await sleep(CACHE_MAX_AGE_MS + 100);
      const signing = await service({
        algorithm,
        keys: [
          { kid: 'k2', ...k2 },
          { kid: 'k1', publicKey: k1.publicKey },
        ],
      });
      server.deploy(signing);
      const fetchesBefore = server.fetches();
      const fresh = await tokenOf(signing);
      await expect(verify(fresh, jwks, algorithm)).resolves.toBeDefined();
      await expect(verify(old, jwks, algorithm)).resolves.toBeDefined();
      await expect(verify(stillOld, jwks, algorithm)).resolves.toBeDefined();
      // The verifier did refetch (its cache was stale), and found k2 there already.
      expect(server.fetches()).toBe(fetchesBefore + 1);
      expect((await signing.authenticate(`Bearer ${old}`)).principal.id).toBe(IDS.admin);

      // Step 3, once k1's last token expired: k1 retired. k2's tokens go on verifying.
      const retired = await service({ algorithm, keys: [{ kid: 'k2', privateKey: k2.privateKey }] });
      server.deploy(retired);
      await sleep(CACHE_MAX_AGE_MS + 100);
      await expect(verify(fresh, jwks, algorithm)).resolves.toBeDefined();
      await expect(verify(await tokenOf(retired), jwks, algorithm)).resolves.toBeDefined();
    });

    it('the naive order (sign with the new key at once) fails: ERR_JWKS_NO_MATCHING_KEY within the cooldown', async () => {
      const k1 = pair();
      const k2 = pair();
      const server = await serveJwks();
      open.push(server);
      const jwks = createRemoteJWKSet(server.url, { cacheMaxAge: CACHE_MAX_AGE_MS });

      const before = await service({ algorithm, keys: [{ kid: 'k1', ...k1 }] });
      server.deploy(before);
      await expect(verify(await tokenOf(before), jwks, algorithm)).resolves.toBeDefined();

      // k2 signs from the start: the verifier's cached set has no k2, and it just fetched.
      const rotated = await service({
        algorithm,
        keys: [
          { kid: 'k2', ...k2 },
          { kid: 'k1', publicKey: k1.publicKey },
        ],
      });
      server.deploy(rotated);
      const fresh = await tokenOf(rotated);
      await expect(verify(fresh, jwks, algorithm)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
      // The token is good: the service itself accepts it, and a verifier without a cached set too.
      expect((await rotated.authenticate(`Bearer ${fresh}`)).principal.id).toBe(IDS.admin);
      await expect(verify(fresh, createRemoteJWKSet(server.url), algorithm)).resolves.toBeDefined();
    });
  });
}

/** A verifier in another Node process: jose's createRemoteJWKSet + jwtVerify, one token per line. */
const CHILD = `
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createInterface } from 'node:readline';
const [url, algorithm, issuer, audience, cacheMaxAge] = process.argv.slice(1);
const jwks = createRemoteJWKSet(new URL(url), { cacheMaxAge: Number(cacheMaxAge) });
for await (const line of createInterface({ input: process.stdin })) {
  if (line.startsWith('sleep ')) {
    await new Promise((resolve) => setTimeout(resolve, Number(line.slice(6))));
    process.stdout.write(JSON.stringify({ slept: true }) + '\\n');
    continue;
  }
  try {
    const { payload, protectedHeader } = await jwtVerify(line, jwks, { issuer, audience, algorithms: [algorithm], typ: 'at+jwt' });
    process.stdout.write(JSON.stringify({ ok: true, sub: payload.sub, kid: protectedHeader.kid }) + '\\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, code: error.code }) + '\\n');
  }
}
`;

function startVerifierProcess(url: URL, algorithm: string): { ask(line: string): Promise<Record<string, unknown>>; close(): Promise<void> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, url.href, algorithm, ISSUER, AUDIENCE, String(CACHE_MAX_AGE_MS)], {
    cwd: new URL('..', import.meta.url), // this package: where `jose` resolves
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: ((answer: Record<string, unknown>) => void)[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      waiting.shift()?.(JSON.parse(line) as Record<string, unknown>);
    }
  });
  return {
    ask: (line) =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${line}\n`);
      }),
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

describe('a verifier in another process (jose createRemoteJWKSet + jwtVerify)', () => {
  it('verifies our tokens through the three rotation steps, and refuses the naive order', { timeout: 20_000 }, async () => {
    const k1 = ed25519Pair();
    const k2 = ed25519Pair();
    const server = await serveJwks();
    open.push(server);
    const verifier = startVerifierProcess(server.url, 'EdDSA');
    open.push(verifier);

    const before = await service({ algorithm: 'EdDSA', keys: [{ kid: 'k1', ...k1 }] });
    server.deploy(before);
    const old = await tokenOf(before);
    expect(await verifier.ask(old)).toMatchObject({ ok: true, kid: 'k1' });

    server.deploy(
      await service({
        algorithm: 'EdDSA',
        keys: [
          { kid: 'k2', ...k2 },
          { kid: 'k1', ...k1 },
        ],
        signingKid: 'k1',
      }),
    );
    expect(await verifier.ask(old)).toMatchObject({ ok: true });
    await verifier.ask(`sleep ${CACHE_MAX_AGE_MS + 100}`);

    const signing = await service({
      algorithm: 'EdDSA',
      keys: [
        { kid: 'k2', ...k2 },
        { kid: 'k1', publicKey: k1.publicKey },
      ],
    });
    server.deploy(signing);
    const fresh = await tokenOf(signing);
    expect(await verifier.ask(fresh)).toMatchObject({ ok: true, kid: 'k2' });
    expect(await verifier.ask(old)).toMatchObject({ ok: true, kid: 'k1' });

    server.deploy(await service({ algorithm: 'EdDSA', keys: [{ kid: 'k2', privateKey: k2.privateKey }] }));
    await verifier.ask(`sleep ${CACHE_MAX_AGE_MS + 100}`);
    expect(await verifier.ask(fresh)).toMatchObject({ ok: true, kid: 'k2' });
    expect(await verifier.ask(old)).toMatchObject({ ok: false, code: 'ERR_JWKS_NO_MATCHING_KEY' });

    // The naive order: k3 signs at once; the verifier just fetched the set, so it cannot refetch yet.
    const k3 = ed25519Pair();
    const naive = await service({
      algorithm: 'EdDSA',
      keys: [
        { kid: 'k3', ...k3 },
        { kid: 'k2', publicKey: k2.publicKey },
      ],
    });
    server.deploy(naive);
    expect(await verifier.ask(await tokenOf(naive))).toMatchObject({ ok: false, code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });
});
