// Shared fixtures for this package's tests (not exported from the package entry, not bundled).
import { createHmac, generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import {
  chatshipperAliases,
  chatshipperFields,
  chatshipperMatrix,
  chatshipperScopes,
  definePolicy,
  isScopeladderError,
  type ChatShipperPolicy,
  type ErrorCode,
} from '@scopeladder/core';
import { expect } from 'vitest';
import { createAuthService, type AuthServiceOptions } from './create-auth-service.js';
import { createMemoryDirectory, type MemoryUserDirectory } from './create-memory-directory.js';
import { createMemoryStore, type MemoryTokenStore } from './create-memory-store.js';
import { hashPassword } from './hash-password.js';
import type { AuthService } from './service-types.js';

/**
 * The ChatShipper matrix WITHOUT tenancy (`chatshipperPolicy` has tenancy on), defined the
 * documented way: for tests about guards and sessions with principals that act in no organization.
 */
export const chatshipperMatrixPolicy: ChatShipperPolicy = definePolicy({
  scopes: chatshipperScopes,
  aliases: chatshipperAliases,
  matrix: chatshipperMatrix,
  fields: chatshipperFields,
});

/** 32 bytes exactly. */
export const SECRET = 'k7Qp2vX9zL4mN8rT1wY6bH3jF5dS0aGc';
export const PASSWORD = 'correct horse battery staple';
/** Cheap scrypt for tests; the service spends the same on unknown emails. */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 } as const;
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export const IDS = {
  admin: 'aaaaaaaaaaaaaaaaaaaaaaa1',
  bot: 'bbbbbbbbbbbbbbbbbbbbbbb2',
  agent: 'ccccccccccccccccccccccc3',
  guest: 'ddddddddddddddddddddddd4',
  adminBot: 'eeeeeeeeeeeeeeeeeeeeeee5',
} as const;

export const ORG = '0123456789abcdef01234567';

/** A fake clock in epoch ms. */
export interface FakeClock {
  (): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(start = T0): FakeClock {
  let now = start;
  const clock = (() => now) as FakeClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

let hashed: Promise<string> | undefined;
/** The test password's hash (computed once). */
export function passwordHash(): Promise<string> {
  return (hashed ??= hashPassword(PASSWORD, FAST_SCRYPT));
}

export interface Fixture {
  readonly auth: AuthService;
  readonly directory: MemoryUserDirectory;
  readonly store: MemoryTokenStore;
  readonly clock: FakeClock;
}

/** A service over a memory directory with an admin, an agent, a guest, a bot and an admin bot. */
export async function setup(overrides: Partial<AuthServiceOptions> = {}): Promise<Fixture> {
  const hash = await passwordHash();
  const directory = createMemoryDirectory(
    [
      { id: IDS.admin, email: 'admin@example.com', role: 'admin', organization: ORG, passwordHash: hash },
      { id: IDS.agent, email: 'agent@example.com', role: 'agent', organization: ORG, passwordHash: hash },
      { id: IDS.guest, email: 'guest@example.com', role: 'guest', passwordHash: hash },
      { id: IDS.bot, email: 'bot@example.com', role: 'bot', kind: 'bot', organization: ORG },
      { id: IDS.adminBot, email: 'adminbot@example.com', role: 'admin', kind: 'bot', organization: ORG },
      // The default policy has tenancy: users without memberships act at their organization's path.
    ],
    { organizations: [{ id: ORG, path: ORG }] },
  );
  const store = createMemoryStore();
  const clock = fakeClock();
  const auth = createAuthService({
    directory,
    store,
    clock,
    keys: { algorithm: 'HS256', secret: SECRET },
    issuer: 'https://issuer.test',
    audience: 'chatshipper-api',
    passwordHashOptions: FAST_SCRYPT,
    ...overrides,
  });
  return { auth, directory, store, clock };
}

/** Expects a promise to reject with a ScopeladderError of `code`; returns the error. */
export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected a rejection with ${code}`).toBeDefined();
  expect(isScopeladderError(error), `expected a ScopeladderError, got ${String(error)}`).toBe(true);
  expect((error as { code: string }).code).toBe(code);
  return error as Error;
}

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/** Encodes header and payload as JSON (or raw strings) into a signing input. */
export function signingInput(header: unknown, payload: unknown): string {
  const encode = (part: unknown) => (typeof part === 'string' ? b64(part) : b64(JSON.stringify(part)));
  return `${encode(header)}.${encode(payload)}`;
}

/** A compact JWS signed with HMAC-SHA256 under `secret`, with any header. */
export function hmacJwt(header: unknown, payload: unknown, secret: string | Buffer = SECRET): string {
  const input = signingInput(header, payload);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A compact JWS signed with an Ed25519 or P-256 private key (ES256 as raw r||s). */
export function asymmetricJwt(header: unknown, payload: unknown, privateKey: KeyObject): string {
  const input = signingInput(header, payload);
  const signature =
    privateKey.asymmetricKeyType === 'ed25519'
      ? nodeSign(null, Buffer.from(input), privateKey)
      : nodeSign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

/** Standard valid claims for the admin at the fixture's time. */
export function claims(nowMs = T0, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(nowMs / 1000);
  return {
    sub: IDS.admin,
    scope: 'admin',
    iat,
    exp: iat + 86_400,
    jti: 'j'.repeat(32),
    sid: 's'.repeat(32),
    iss: 'https://issuer.test',
    aud: 'chatshipper-api',
    ...overrides,
  };
}

export const HS_HEADER = { alg: 'HS256', typ: 'at+jwt' } as const;

export function ed25519Pair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}

export function p256Pair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

/**
 * The organization tree of docs/examples/organizations-tree.ts, with 24-hex-free short ids:
 * root r1 with customers c1 (sub-organization s1) and c2; another root r2.
 */
export const TREE = [
  { id: 'r1', path: 'r1' },
  { id: 'c1', path: 'r1#c1' },
  { id: 's1', path: 'r1#c1#s1' },
  { id: 'c2', path: 'r1#c2' },
  { id: 'c10', path: 'r1#c10' },
  { id: 'r2', path: 'r2' },
] as const;

export const TENANT_IDS = {
  eve: 'fffffffffffffffffffffff1',
  root: 'fffffffffffffffffffffff2',
  bot: 'fffffffffffffffffffffff3',
} as const;

/**
 * A service over a memory directory with the {@link TREE} and users with memberships:
 * - eve: admin of c1, guest of r1 (first membership: c1);
 * - root: agent of r1, guest of s1 (first membership: r1);
 * - a bot: bot of c1, agent of r2.
 * The users of {@link setup} (without memberships) are there too.
 */
export async function setupTenants(overrides: Partial<AuthServiceOptions> = {}): Promise<Fixture> {
  const fixture = await setup(overrides);
  const { directory } = fixture;
  const hash = await passwordHash();
  for (const organization of TREE) directory.addOrganization(organization);
  directory.add({
    id: TENANT_IDS.eve,
    email: 'eve@example.com',
    role: 'guest',
    passwordHash: hash,
    memberships: [
      { organization: 'c1', role: 'admin' },
      { organization: 'r1', role: 'guest' },
    ],
  });
  directory.add({
    id: TENANT_IDS.root,
    email: 'root@example.com',
    role: 'agent',
    passwordHash: hash,
    memberships: [
      { organization: 'r1', role: 'agent' },
      { organization: 's1', role: 'guest' },
    ],
  });
  directory.add({
    id: TENANT_IDS.bot,
    email: 'tenant-bot@example.com',
    role: 'bot',
    kind: 'bot',
    memberships: [
      { organization: 'c1', role: 'bot' },
      { organization: 'r2', role: 'agent' },
    ],
  });
  return fixture;
}
