// Suite 2: `authenticate(header)` — from an `Authorization` header to a principal and its
// ability — for each kind of credential, beside jose's own `jwtVerify` (the signature and claims
// check alone, no principal, no ability, no revocation lookup).
import { webcrypto } from 'node:crypto';
import { do_not_optimize } from 'mitata';
import { jwtVerify } from 'jose';
import type { AuthService } from '@scopeladder/tokens';
import { runMicro, type MicroOptions, type MicroResult } from '../lib/measure.js';
import {
  AUDIENCE,
  ISSUER,
  PASSWORD,
  USERS,
  createBenchDirectory,
  createEdKeys,
  createEdService,
  createHsService,
  createSecret,
  mintAccessTokens,
} from './fixtures.js';

export interface AuthCase {
  readonly id: string;
  readonly title: string;
  readonly detail: string;
  /** The `jose.jwtVerify` case it compares with, if any. */
  readonly compareWith?: string | undefined;
}

export interface AuthSuiteResult {
  readonly cases: readonly AuthCase[];
  readonly results: ReadonlyMap<string, MicroResult>;
  readonly freshPool: number;
  readonly cacheSize: number;
}

const DEFAULT_CACHE_SIZE = 10_000;

/** Sets up the services and credentials, checks each answers as it should, then times them. */
export async function runAuthSuite(options: MicroOptions & { readonly freshPool?: number }): Promise<AuthSuiteResult> {
  const log = options.log ?? (() => {});
  // More distinct tokens than the verified-token cache holds: cycling through them in order,
  // every authenticate() is a cache miss (each token was evicted long before it comes back).
  const freshPool = options.freshPool ?? Math.ceil(DEFAULT_CACHE_SIZE * 1.2);
  log(`auth: minting ${freshPool} HS256 and ${freshPool} EdDSA tokens…`);
  const directory = await createBenchDirectory();
  const secret = createSecret();
  const ed = createEdKeys();

  const hsFresh = createHsService(directory, secret);
  const hsNoCache = createHsService(directory, secret, { verifiedTokenCacheSize: 0 });
  const hsRepeat = createHsService(directory, secret);
  const edFresh = createEdService(directory, ed.privateKey);
  const edRepeat = createEdService(directory, ed.privateKey);
  const apiKeys = createHsService(directory, secret);

  const hsTokens = (await mintAccessTokens({ algorithm: 'HS256', secret }, freshPool, 11)).map((t) => `Bearer ${t}`);
  const edTokens = (await mintAccessTokens({ algorithm: 'EdDSA', privateKey: ed.privateKey }, freshPool, 13)).map((t) => `Bearer ${t}`);
  const hsLogin = (await hsRepeat.login({ email: USERS.agent.email, password: PASSWORD })).token;
  const edLogin = (await edRepeat.login({ email: USERS.agent.email, password: PASSWORD })).token;
  const { apiKey } = await apiKeys.createApiKey(USERS.bot.id, ['bot']);
  // jose gets its keys prepared once, as the service holds them: an HMAC CryptoKey, the Ed25519 KeyObject.
  const hsSecretKey = await webcrypto.subtle.importKey('raw', Buffer.from(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const verifyOptions = (algorithm: string) => ({ algorithms: [algorithm], issuer: ISSUER, audience: AUDIENCE, typ: 'at+jwt' });

  // Every credential must be accepted with the right principal, and a forged one refused, before
  // anything is timed.
  await checkAccepted(hsNoCache, `Bearer ${hsLogin}`, USERS.agent.id, 'agent');
  await checkAccepted(hsNoCache, hsTokens[0]!, undefined, undefined);
  await checkAccepted(createEdService(directory, ed.privateKey, { verifiedTokenCacheSize: 0 }), edTokens[0]!, undefined, undefined);
  await checkAccepted(apiKeys, `Bearer ${apiKey}`, USERS.bot.id, 'bot');
  await checkRefused(hsNoCache, `Bearer ${hsLogin.slice(0, -2)}${hsLogin.endsWith('AA') ? 'BA' : 'AA'}`);
  await checkRefused(apiKeys, `Bearer ${'0'.repeat(32)}`);

  let h = 0;
  let e = 0;
  const hsHeader = `Bearer ${hsLogin}`;
  const edHeader = `Bearer ${edLogin}`;
  const apiHeader = `Bearer ${apiKey}`;
  const cases: (AuthCase & { fn: () => Promise<unknown> })[] = [
    {
      id: 'hs-fresh',
      title: 'HS256 JWT, first sight',
      detail: `a different token every call (${freshPool} in rotation, cache of ${DEFAULT_CACHE_SIZE} on: every call misses and inserts)`,
      compareWith: 'jose-hs',
      fn: async () => {
        const header = hsTokens[h] as string;
        if (++h === hsTokens.length) h = 0;
        do_not_optimize(await hsFresh.authenticate(header));
      },
    },
    {
      id: 'hs-nocache',
      title: 'HS256 JWT, cache disabled',
      detail: 'the same token every call, `verifiedTokenCacheSize: 0`: full verification each time',
      compareWith: 'jose-hs',
      fn: async () => do_not_optimize(await hsNoCache.authenticate(hsHeader)),
    },
    {
      id: 'hs-repeat',
      title: 'HS256 JWT, repeated',
      detail: 'the same token every call (a client reusing its token): verified-token cache hit + revocation lookups',
      compareWith: 'jose-hs',
      fn: async () => do_not_optimize(await hsRepeat.authenticate(hsHeader)),
    },
    {
      id: 'ed-fresh',
      title: 'EdDSA JWT, first sight',
      detail: `a different Ed25519 token every call (${freshPool} in rotation, cache on)`,
      compareWith: 'jose-ed',
      fn: async () => {
        const header = edTokens[e] as string;
        if (++e === edTokens.length) e = 0;
        do_not_optimize(await edFresh.authenticate(header));
      },
    },
    {
      id: 'ed-repeat',
      title: 'EdDSA JWT, repeated',
      detail: 'the same Ed25519 token every call: cache hit',
      compareWith: 'jose-ed',
      fn: async () => do_not_optimize(await edRepeat.authenticate(edHeader)),
    },
    {
      id: 'api-key',
      title: 'API key',
      detail: 'bot API key: SHA-256, store lookup, live directory read of the bot, scopes capped by its role, ability',
      fn: async () => do_not_optimize(await apiKeys.authenticate(apiHeader)),
    },
    {
      id: 'jose-hs',
      title: 'jose `jwtVerify`, HS256',
      detail:
        '`jwtVerify(token, key, { algorithms, issuer, audience, typ })` on the same token, the HMAC key imported once as a `CryptoKey`: signature + claims only',
      fn: async () => do_not_optimize(await jwtVerify(hsLogin, hsSecretKey, verifyOptions('HS256'))),
    },
    {
      id: 'jose-ed',
      title: 'jose `jwtVerify`, EdDSA',
      detail: 'the same, with the Ed25519 public `KeyObject`',
      fn: async () => do_not_optimize(await jwtVerify(edLogin, ed.publicKey, verifyOptions('EdDSA'))),
    },
  ];
  log('auth: measuring…');
  const results = await runMicro(
    cases.map((c) => ({ id: c.id, fn: c.fn, operations: 1 })),
    options,
  );
  return {
    cases: cases.map(({ fn: _fn, ...c }) => c),
    results: new Map(results.map((r) => [r.id, r])),
    freshPool,
    cacheSize: DEFAULT_CACHE_SIZE,
  };
}

async function checkAccepted(service: AuthService, header: string, id: string | undefined, scope: string | undefined): Promise<void> {
  const { principal } = await service.authenticate(header);
  if ((id !== undefined && principal.id !== id) || (scope !== undefined && !principal.scopes.includes(scope))) {
    throw new Error(`auth: authenticate() returned the wrong principal (${principal.id}, ${principal.scopes.join(' ')})`);
  }
}

async function checkRefused(service: AuthService, header: string): Promise<void> {
  let refused = false;
  try {
    await service.authenticate(header);
  } catch {
    refused = true;
  }
  if (!refused) throw new Error('auth: a forged credential was accepted; refusing to benchmark');
}
