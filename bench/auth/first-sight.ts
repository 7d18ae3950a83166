// `authenticate` on the first sight of a JWT (issue #15 §3): a token the service has never seen,
// memory store, verified-token cache on (so each call misses, verifies fully, checks revocation
// and inserts), beside jose's own `jwtVerify` on the very same tokens with the options our
// verifier passes it (algorithms allow-list, `typ`, issuer, audience, required claims, clock
// tolerance, `maxTokenAge`, `currentDate`). HS256 and EdDSA. Optionally beside another copy of
// the tokens sources (e.g. main's) in the same process, interleaved round by round.
//
// Runs on the sources (the root tsconfig's paths), not on the built packages:
//   node --expose-gc --import tsx bench/auth/first-sight.ts                         # this tree
//   node --expose-gc --import tsx bench/auth/first-sight.ts --before-tokens <dir>   # + another version
// where <dir> holds the `src/` of @scopeladder/tokens of the other version, placed inside
// packages/tokens so that its dependencies resolve (see bench/RESULTS.md for the exact commands).
// Options: --rounds N (5) --time MS per case per round (400) --warmup MS (500) --pool N (tokens per
// algorithm, 12000: more than the default cache of 10000, so a token comes back only after it
// was evicted) --only hs|ed.
import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { do_not_optimize } from 'mitata';
import { SignJWT, jwtVerify } from 'jose';
import { runMicro, type MicroCase } from '../lib/measure.js';
import { createRandom, hexId, pick } from '../lib/random.js';
import { median } from '../lib/stats.js';

const ISSUER = 'https://bench.scopeladder.invalid';
const AUDIENCE = 'chatshipper-api';
const ED_KID = 'bench-ed25519-1';
// What the service's verifier passes jose (packages/tokens/src/lib/access-token.ts), at the
// service defaults: 24 h access-token lifetime, 5 s clock tolerance.
const REQUIRED_CLAIMS = ['sub', 'scope', 'iat', 'exp', 'jti', 'iss', 'aud', 'sid'];
const TTL_SECONDS = 24 * 3600;
const TOLERANCE_SECONDS = 5;

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

type Tokens = typeof import('@scopeladder/tokens');

async function load(dir: string | undefined): Promise<Tokens> {
  if (dir === undefined) return import('@scopeladder/tokens');
  return import(pathToFileURL(resolve(dir, 'index.ts')).href) as Promise<Tokens>;
}

/** `count` distinct tokens in the service's format, each a different session. */
async function mint(
  algorithm: 'HS256' | 'EdDSA',
  key: Uint8Array | webcrypto.CryptoKey | import('node:crypto').KeyObject,
  count: number,
  seed: number,
) {
  const random = createRandom(seed);
  const now = Math.floor(Date.now() / 1000);
  const header = algorithm === 'HS256' ? { alg: 'HS256', typ: 'at+jwt' } : { alg: 'EdDSA', typ: 'at+jwt', kid: ED_KID };
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    tokens.push(
      await new SignJWT({ client_id: 'scopeladder', scope: pick(random, ['guest', 'agent', 'admin']), sid: hexId(random) })
        .setProtectedHeader(header)
        .setSubject(hexId(random))
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + TTL_SECONDS)
        .setJti(hexId(random))
        .sign(key),
    );
  }
  return tokens;
}

/** A function that takes the next token of `tokens` on every call, round and round. */
function cycling(tokens: readonly string[], use: (token: string) => Promise<unknown>): () => Promise<void> {
  let i = 0;
  return async () => {
    const token = tokens[i] as string;
    if (++i === tokens.length) i = 0;
    do_not_optimize(await use(token));
  };
}

async function main(): Promise<void> {
  const rounds = Number(option('--rounds') ?? 5);
  const timePerRoundMs = Number(option('--time') ?? 400);
  const warmupMs = Number(option('--warmup') ?? 500);
  const pool = Number(option('--pool') ?? 12_000);
  const only = option('--only');
  const versions: { label: string; tokens: Tokens }[] = [];
  const beforeDir = option('--before-tokens');
  if (beforeDir !== undefined) versions.push({ label: 'before', tokens: await load(beforeDir) });
  versions.push({ label: 'this tree', tokens: await load(undefined) });

  const secret = randomBytes(32).toString('hex');
  const secretBytes = new TextEncoder().encode(secret);
  const ed = generateKeyPairSync('ed25519');
  const algorithms = (only === undefined ? ['hs', 'ed'] : [only]) as ('hs' | 'ed')[];
  const cases: MicroCase[] = [];
  for (const which of algorithms) {
    const algorithm = which === 'hs' ? 'HS256' : 'EdDSA';
    console.error(`first-sight: minting ${pool} ${algorithm} tokens…`);
    const tokens = await mint(algorithm, which === 'hs' ? secretBytes : ed.privateKey, pool, which === 'hs' ? 11 : 13);
    const headers = tokens.map((t) => `Bearer ${t}`);
    // jose gets its key prepared once, as the service holds it.
    const joseKey =
      which === 'hs' ? await webcrypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']) : ed.publicKey;
    const joseOptions = {
      algorithms: [algorithm],
      typ: 'at+jwt',
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: TOLERANCE_SECONDS,
      maxTokenAge: TTL_SECONDS,
    };
    await jwtVerify(tokens[0] as string, joseKey, { ...joseOptions, currentDate: new Date() });
    cases.push({
      id: `${algorithm} jose jwtVerify`,
      operations: 1,
      fn: cycling(tokens, (token) => jwtVerify(token, joseKey, { ...joseOptions, currentDate: new Date(Date.now()) })),
    });
    for (const { label, tokens: lib } of versions) {
      const directory = lib.createMemoryDirectory([]);
      const service = lib.createAuthService({
        directory,
        keys: which === 'hs' ? { algorithm: 'HS256', secret } : { algorithm: 'EdDSA', keys: [{ kid: ED_KID, privateKey: ed.privateKey }] },
        issuer: ISSUER,
        audience: AUDIENCE,
        throttle: false,
      });
      // Accepted with the right principal, a forged one refused, before anything is timed.
      const { principal } = await service.authenticate(headers[0] as string);
      const expectedSub = JSON.parse(Buffer.from((tokens[0] as string).split('.')[1] as string, 'base64url').toString()).sub;
      if (principal.id !== expectedSub) throw new Error(`${label}: wrong principal`);
      const forged = headers[1] as string;
      const refused = await service.authenticate(`${forged.slice(0, -2)}${forged.endsWith('AA') ? 'BA' : 'AA'}`).then(
        () => false,
        () => true,
      );
      if (!refused) throw new Error(`${label}: a forged token was accepted`);
      cases.push({ id: `${algorithm} authenticate (${label})`, operations: 1, fn: cycling(headers, (header) => service.authenticate(header)) });
    }
  }
  const results = await runMicro(cases, { rounds, timePerRoundMs, warmupMs, log: (line) => console.error(line) });
  const cpu = await cpuPerCall(cases, rounds, timePerRoundMs);
  const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;
  console.log(`| case | median per call | ÷ jwtVerify | rounds | CPU per call (all threads) | ÷ jwtVerify |`);
  console.log(`|---|--:|--:|---|--:|--:|`);
  for (const result of results) {
    const joseId = `${result.id.split(' ')[0]} jose jwtVerify`;
    const jose = results.find((r) => r.id === joseId) as (typeof results)[number];
    const cpuNs = cpu.get(result.id) as number;
    const joseCpuNs = cpu.get(joseId) as number;
    console.log(
      `| ${result.id} | ${us(result.medianNs)} | ${(result.medianNs / jose.medianNs).toFixed(2)} | ${result.roundsNs.map(us).join(' · ')} | ${us(cpuNs)} | ${(cpuNs / joseCpuNs).toFixed(2)} |`,
    );
  }
}

/**
 * Process CPU time (user + system, every thread: the crypto thread pool's work included) per
 * call, each case run alone for `ms` per round, rounds interleaved; the median over rounds. On a
 * busy machine, waiting for the thread pool inflates wall time, not CPU time.
 */
async function cpuPerCall(cases: readonly MicroCase[], rounds: number, ms: number): Promise<Map<string, number>> {
  const values = new Map<string, number[]>(cases.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      let calls = 0;
      const start = process.cpuUsage();
      const end = performance.now() + ms;
      do {
        await c.fn();
        calls += 1;
      } while (performance.now() < end);
      const used = process.cpuUsage(start);
      values.get(c.id)?.push(((used.user + used.system) * 1000) / calls);
    }
  }
  return new Map([...values].map(([id, v]) => [id, median(v)]));
}

await main();
