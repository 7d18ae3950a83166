import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { parseDurationMs } from './lib/duration.js';

/** The web frameworks the server can run on. */
export const FRAMEWORKS = ['express', 'fastify', 'koa'] as const;
/** One of {@link FRAMEWORKS}. */
export type Framework = (typeof FRAMEWORKS)[number];

/** The server's configuration, parsed and validated from the environment. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly framework: Framework;
  readonly admin: {
    readonly email: string;
    readonly password: string;
    /** Whether the email / password were generated (then the banner prints them). */
    readonly generatedEmail: boolean;
    readonly generatedPassword: boolean;
  };
  /** Access-token lifetime in seconds, and as written (`24h`). */
  readonly accessTokenTtlSeconds: number;
  readonly accessTokenTtlText: string;
  /** The HS256 secret; generated (32 random bytes, hex) when `JWT_SECRET` is unset. */
  readonly jwtSecret: string;
  readonly generatedJwtSecret: boolean;
  /** `REDIS_URL`, when set (validated as a `redis:` / `rediss:` URL). */
  readonly redisUrl: string | undefined;
  /** `REDIS_PREFIX`: put before every Redis key, so several deployments can share one Redis. */
  readonly redisPrefix: string;
  /** `DATABASE_URL`, when set (validated as a `postgres:` / `postgresql:` URL; exclusive with `REDIS_URL`). */
  readonly databaseUrl: string | undefined;
  /**
   * Login throttling limits (failed logins per 15 minutes), from `LOGIN_MAX_FAILURES_PER_SOURCE`,
   * `LOGIN_MAX_FAILURES_PER_EMAIL_AND_SOURCE` and `LOGIN_MAX_FAILURES_PER_EMAIL`; unset ones keep
   * the library's defaults (100, 10, 100).
   */
  readonly loginThrottle: LoginThrottleLimits;
  /**
   * `TRUST_PROXY`: which proxies in front of the server to believe about the client address
   * (`X-Forwarded-For`), so that login throttling counts the client and not the load balancer.
   * `undefined` (unset): the socket address, the header is ignored.
   */
  readonly trustProxy: TrustProxy | undefined;
}

/**
 * The proxies the server trusts (`TRUST_PROXY`): a number of proxy hops in front of it (the
 * client is that many entries from the right of `X-Forwarded-For`, whoever connects), or the
 * proxies' addresses and CIDR ranges (the header is believed only from them, walked from the
 * right while the address is one of them).
 */
export type TrustProxy = { readonly hops: number } | { readonly proxies: readonly string[] };

/** The login throttling limits the server was configured with (`undefined`: the library default). */
export interface LoginThrottleLimits {
  readonly maxFailuresPerSource?: number;
  readonly maxFailuresPerEmailAndSource?: number;
  readonly maxFailuresPerEmail?: number;
}

const THROTTLE_VARIABLES = {
  LOGIN_MAX_FAILURES_PER_SOURCE: 'maxFailuresPerSource',
  LOGIN_MAX_FAILURES_PER_EMAIL_AND_SOURCE: 'maxFailuresPerEmailAndSource',
  LOGIN_MAX_FAILURES_PER_EMAIL: 'maxFailuresPerEmail',
} as const;
const MAX_THROTTLE_LIMIT = 1_000_000;
const MAX_PROXY_HOPS = 32;
const MAX_PROXIES = 64;

/** Thrown by {@link parseConfig} with every problem found, each naming its variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The environment variables {@link parseConfig} reads. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** Options of {@link parseConfig}. */
export interface ParseConfigOptions {
  /** Random bytes source, for generated secrets (tests pass a fixed one). */
  readonly randomBytes?: (size: number) => Buffer;
}

const DEFAULT_ADMIN_EMAIL = 'admin@chatshipper.example';
/** The default `REDIS_PREFIX`. */
export const DEFAULT_REDIS_PREFIX = 'chatshipper:';
const REDIS_PREFIX = /^[\x21-\x7a|~]{1,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MIN_SECRET_BYTES = 32;
const MIN_PASSWORD_LENGTH = 8;
const MIN_TTL_MS = 1_000;

function present(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/**
 * Reads and validates the server configuration from `env` (normally `process.env`). Unset or
 * empty variables take their defaults; invalid ones are all reported at once in a
 * {@link ConfigError}, so the server refuses to start with a clear message.
 *
 * @example
 * ```ts
 * const config = parseConfig({ PORT: '0', FRAMEWORK: 'koa', ACCESS_TOKEN_TTL: '2s' });
 * config.accessTokenTtlSeconds; // 2
 * ```
 */
export function parseConfig(env: ConfigEnv, options: ParseConfigOptions = {}): ServerConfig {
  const random = options.randomBytes ?? randomBytes;
  const problems: string[] = [];

  let port = 3000;
  if (present(env['PORT'])) {
    const text = env['PORT'].trim();
    port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
    if (!(port >= 0 && port <= 65535)) problems.push(`PORT must be an integer from 0 to 65535 (got "${env['PORT']}")`);
  }

  const host = present(env['HOST']) ? env['HOST'].trim() : '127.0.0.1';
  if (host === '' || /\s/.test(host)) problems.push('HOST must be a host name or an IP address');

  let framework: Framework = 'fastify';
  if (present(env['FRAMEWORK'])) {
    const name = env['FRAMEWORK'].trim().toLowerCase();
    if ((FRAMEWORKS as readonly string[]).includes(name)) framework = name as Framework;
    else problems.push(`FRAMEWORK must be one of ${FRAMEWORKS.join(', ')} (got "${env['FRAMEWORK']}")`);
  }

  const generatedEmail = !present(env['ADMIN_EMAIL']);
  const email = generatedEmail ? DEFAULT_ADMIN_EMAIL : (env['ADMIN_EMAIL'] ?? '').trim().toLowerCase();
  if (!EMAIL.test(email)) problems.push('ADMIN_EMAIL must be an email address');

  const generatedPassword = !present(env['ADMIN_PASSWORD']);
  const password = generatedPassword ? random(18).toString('base64url') : (env['ADMIN_PASSWORD'] ?? '');
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`ADMIN_PASSWORD must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }

  const ttlText = present(env['ACCESS_TOKEN_TTL']) ? env['ACCESS_TOKEN_TTL'].trim() : '24h';
  const ttlMs = parseDurationMs(ttlText);
  let accessTokenTtlSeconds = 86_400;
  if (ttlMs === null || ttlMs < MIN_TTL_MS || ttlMs % 1_000 !== 0) {
    problems.push(`ACCESS_TOKEN_TTL must be a whole number of seconds of at least 1s, written like 24h, 15m, 90s or 2s (got "${ttlText}")`);
  } else {
    accessTokenTtlSeconds = ttlMs / 1_000;
  }

  const generatedJwtSecret = !present(env['JWT_SECRET']);
  const jwtSecret = generatedJwtSecret ? random(MIN_SECRET_BYTES).toString('hex') : (env['JWT_SECRET'] ?? '');
  if (Buffer.byteLength(jwtSecret, 'utf8') < MIN_SECRET_BYTES) {
    // Never echo the secret, not even its length's worth of it.
    problems.push(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long (or unset, to generate one at start)`);
  }

  let redisUrl: string | undefined;
  if (present(env['REDIS_URL'])) {
    redisUrl = env['REDIS_URL'].trim();
    let ok = false;
    try {
      const url = new URL(redisUrl);
      ok = url.protocol === 'redis:' || url.protocol === 'rediss:';
    } catch {
      ok = false;
    }
    // The URL may hold a password: do not echo it.
    if (!ok) problems.push('REDIS_URL must be a redis:// or rediss:// URL');
    // Every instance must verify the tokens the others sign: a per-process key cannot work.
    if (generatedJwtSecret) {
      problems.push(
        `JWT_SECRET must be set when REDIS_URL is set: every instance signs and verifies tokens with it, so give them all the same secret (at least ${MIN_SECRET_BYTES} bytes)`,
      );
    }
  }

  let databaseUrl: string | undefined;
  if (present(env['DATABASE_URL'])) {
    databaseUrl = env['DATABASE_URL'].trim();
    let ok = false;
    try {
      const url = new URL(databaseUrl);
      ok = url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    } catch {
      ok = false;
    }
    // The URL may hold a password: do not echo it.
    if (!ok) problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
    if (redisUrl !== undefined) problems.push('DATABASE_URL and REDIS_URL are exclusive: keep the state in PostgreSQL or in Redis, not both');
    // Tokens must outlive a restart and verify on every instance: a per-process key cannot work.
    if (generatedJwtSecret) {
      problems.push(
        `JWT_SECRET must be set when DATABASE_URL is set: every instance, and the next start, verifies tokens with it (at least ${MIN_SECRET_BYTES} bytes)`,
      );
    }
  }

  const redisPrefix = present(env['REDIS_PREFIX']) ? env['REDIS_PREFIX'] : DEFAULT_REDIS_PREFIX;
  if (!REDIS_PREFIX.test(redisPrefix)) {
    problems.push('REDIS_PREFIX must be 1 to 64 printable characters without spaces or braces (braces are Redis Cluster hash tags)');
  }

  const loginThrottle: { -readonly [K in keyof LoginThrottleLimits]: LoginThrottleLimits[K] } = {};
  for (const [variable, option] of Object.entries(THROTTLE_VARIABLES)) {
    const text = env[variable];
    if (!present(text)) continue;
    const value = /^\d{1,7}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
    if (value >= 1 && value <= MAX_THROTTLE_LIMIT) loginThrottle[option] = value;
    else problems.push(`${variable} must be an integer from 1 to ${MAX_THROTTLE_LIMIT} (got "${text}")`);
  }

  let trustProxy: TrustProxy | undefined;
  if (present(env['TRUST_PROXY'])) {
    const parsed = parseTrustProxy(env['TRUST_PROXY']);
    if (typeof parsed === 'string') problems.push(parsed);
    else trustProxy = parsed;
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    framework,
    admin: { email, password, generatedEmail, generatedPassword },
    accessTokenTtlSeconds,
    accessTokenTtlText: ttlText,
    jwtSecret,
    generatedJwtSecret,
    redisUrl,
    redisPrefix,
    databaseUrl,
    loginThrottle,
    trustProxy,
  };
}

/**
 * `TRUST_PROXY` → a {@link TrustProxy}, or the problem (naming the variable). A number of hops
 * from 1 to 32, or a comma-separated list of at most 64 IP addresses and CIDR ranges
 * (`10.0.0.0/8`, `fd00::/8`). `true`, `*` and the like are refused: trusting every sender would
 * let any client choose its own address, and so its own throttling counters.
 */
function parseTrustProxy(text: string): TrustProxy | string {
  const problem =
    `TRUST_PROXY must be a number of proxy hops from 1 to ${MAX_PROXY_HOPS}, or a comma-separated list of ` +
    `at most ${MAX_PROXIES} proxy IP addresses or CIDR ranges (got "${text.slice(0, 100)}")`;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const hops = trimmed.length <= 2 ? Number(trimmed) : Number.NaN;
    return hops >= 1 && hops <= MAX_PROXY_HOPS ? { hops } : problem;
  }
  const proxies = trimmed.split(',').map((entry) => entry.trim());
  if (proxies.length > MAX_PROXIES || !proxies.every(isProxyAddress)) return problem;
  return { proxies };
}

function isProxyAddress(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
