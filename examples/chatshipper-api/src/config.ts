import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
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
  /** `JWT_ALGORITHM`: how access tokens are signed. Default `HS256`. */
  readonly jwtAlgorithm: JwtAlgorithm;
  /**
   * The HS256 secret; generated (32 random bytes, hex) when `JWT_SECRET` is unset. `''` with
   * EdDSA and ES256.
   */
  readonly jwtSecret: string;
  readonly generatedJwtSecret: boolean;
  /**
   * EdDSA and ES256: the signing key (`JWT_PRIVATE_KEY`, a PEM private key; generated when unset),
   * its `kid` (the RFC 7638 thumbprint of its public key, so every instance with the same key
   * names it alike) and whether it was generated. `undefined` with HS256.
   */
  readonly jwtKey: { readonly privateKey: KeyObject; readonly kid: string; readonly generated: boolean } | undefined;
  /** `JWT_ISSUER`: the tokens' `iss`, checked on verify. Default `chatshipper-api`. */
  readonly jwtIssuer: string;
  /**
   * `JWT_ISSUER` when it is an absolute URL (https, or http on a loopback host): the server's
   * public base URL, the RFC 8414 issuer of the discovery documents. `undefined` otherwise (then
   * only the JWKS is served).
   */
  readonly issuerUrl: string | undefined;
  /** `JWT_AUDIENCE`: the tokens' `aud`, checked on verify. Default `chatshipper-api`. */
  readonly jwtAudience: string;
  /** `CLIENT_COMPAT`: `chatshipper-sdk` answers the way ChatShipper's own Node SDK expects. */
  readonly clientCompat: ClientCompat | undefined;
  /** `REDIS_URL`, when set (validated as a `redis:` / `rediss:` URL). */
  readonly redisUrl: string | undefined;
  /**
   * `REDIS_CLUSTER`, when set: the seed nodes of a Redis Cluster (`host:port,…`; any reachable
   * ones, the rest is discovered). Exclusive with `REDIS_URL` and `DATABASE_URL`.
   */
  readonly redisCluster: readonly RedisNode[] | undefined;
  /** `REDIS_PREFIX`: put before every Redis key, so several deployments can share one Redis. */
  readonly redisPrefix: string;
  /** `DATABASE_URL`, when set (validated as a `postgres:` / `postgresql:` URL; exclusive with `REDIS_URL` and `REDIS_CLUSTER`). */
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
  /** `LOG_LEVEL`: the lowest level of the JSON log written. Default `info`. */
  readonly logLevel: LogLevelSetting;
  /**
   * `OTEL_EXPORTER_OTLP_ENDPOINT`, when set (validated as an http:// or https:// URL): traces and
   * metrics are exported there over OTLP/HTTP. The exporters read it (and the other standard
   * `OTEL_*` variables) themselves; `undefined`: no OpenTelemetry code is loaded.
   */
  readonly otlpEndpoint: string | undefined;
}

/** One seed node of `REDIS_CLUSTER`: a host name or IP address (IPv6 without brackets) and a port. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}
/** The values `LOG_LEVEL` takes, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevelSetting = (typeof LOG_LEVELS)[number];

/** The signing algorithms `JWT_ALGORITHM` takes. */
export const JWT_ALGORITHMS = ['HS256', 'EdDSA', 'ES256'] as const;
/** One of {@link JWT_ALGORITHMS}. */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
/** The values `CLIENT_COMPAT` takes. */
export const CLIENT_COMPATS = ['chatshipper-sdk'] as const;
/** One of {@link CLIENT_COMPATS}. */
export type ClientCompat = (typeof CLIENT_COMPATS)[number];

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
const MAX_CLUSTER_NODES = 64;
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

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
/** The default `JWT_ISSUER` and `JWT_AUDIENCE`. */
export const DEFAULT_JWT_NAME = 'chatshipper-api';
const JWT_NAME = /^[\x21-\x7e]{1,256}$/;
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;
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

  let jwtAlgorithm: JwtAlgorithm = 'HS256';
  if (present(env['JWT_ALGORITHM'])) {
    const name = env['JWT_ALGORITHM'].trim();
    const found = JWT_ALGORITHMS.find((algorithm) => algorithm.toLowerCase() === name.toLowerCase());
    if (found === undefined) problems.push(`JWT_ALGORITHM must be one of ${JWT_ALGORITHMS.join(', ')} (got "${name.slice(0, 32)}")`);
    else jwtAlgorithm = found;
  }
  const symmetric = jwtAlgorithm === 'HS256';

  const generatedJwtSecret = symmetric && !present(env['JWT_SECRET']);
  let jwtSecret = '';
  if (symmetric) {
    jwtSecret = generatedJwtSecret ? random(MIN_SECRET_BYTES).toString('hex') : (env['JWT_SECRET'] ?? '');
    if (Buffer.byteLength(jwtSecret, 'utf8') < MIN_SECRET_BYTES) {
      // Never echo the secret, not even its length's worth of it.
      problems.push(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes long (or unset, to generate one at start)`);
    }
    if (present(env['JWT_PRIVATE_KEY'])) problems.push('JWT_PRIVATE_KEY is for JWT_ALGORITHM=EdDSA or ES256; HS256 signs with JWT_SECRET');
  } else if (present(env['JWT_SECRET'])) {
    problems.push(`JWT_SECRET is for JWT_ALGORITHM=HS256; ${jwtAlgorithm} signs with JWT_PRIVATE_KEY (a PEM private key)`);
  }

  let jwtKey: ServerConfig['jwtKey'];
  if (jwtAlgorithm !== 'HS256') {
    const parsed = present(env['JWT_PRIVATE_KEY']) ? readPrivateKey(env['JWT_PRIVATE_KEY'], jwtAlgorithm) : generatePrivateKey(jwtAlgorithm);
    if (typeof parsed === 'string') problems.push(parsed);
    else jwtKey = { privateKey: parsed, kid: thumbprintOf(parsed), generated: !present(env['JWT_PRIVATE_KEY']) };
  }

  const jwtIssuer = present(env['JWT_ISSUER']) ? env['JWT_ISSUER'].trim() : DEFAULT_JWT_NAME;
  const jwtAudience = present(env['JWT_AUDIENCE']) ? env['JWT_AUDIENCE'].trim() : DEFAULT_JWT_NAME;
  if (!JWT_NAME.test(jwtIssuer)) problems.push('JWT_ISSUER must be 1 to 256 visible ASCII characters without spaces');
  if (!JWT_NAME.test(jwtAudience)) problems.push('JWT_AUDIENCE must be 1 to 256 visible ASCII characters without spaces');
  let issuerUrl: string | undefined;
  if (JWT_NAME.test(jwtIssuer) && jwtIssuer.includes('://')) {
    issuerUrl = discoveryIssuer(jwtIssuer);
    if (issuerUrl === undefined) {
      problems.push(
        `JWT_ISSUER, when a URL, must be the server's public base URL: https:// (http:// only on localhost, 127.0.0.1 or [::1]), without query or fragment (got "${jwtIssuer.slice(0, 100)}")`,
      );
    }
  }

  let clientCompat: ClientCompat | undefined;
  if (present(env['CLIENT_COMPAT'])) {
    const name = env['CLIENT_COMPAT'].trim().toLowerCase();
    if ((CLIENT_COMPATS as readonly string[]).includes(name)) clientCompat = name as ClientCompat;
    else problems.push(`CLIENT_COMPAT must be unset or one of ${CLIENT_COMPATS.join(', ')} (got "${env['CLIENT_COMPAT'].slice(0, 32)}")`);
  }

  // Every instance must verify the tokens the others sign: a per-process key cannot work.
  const requireSharedKey = (variable: string): void => {
    if (generatedJwtSecret) {
      problems.push(
        `JWT_SECRET must be set when ${variable} is set: every instance signs and verifies tokens with it, so give them all the same secret (at least ${MIN_SECRET_BYTES} bytes)`,
      );
    }
    if (!symmetric && !present(env['JWT_PRIVATE_KEY'])) {
      problems.push(
        `JWT_PRIVATE_KEY must be set when ${variable} is set: every instance signs with it and serves its public key, so give them all the same ${jwtAlgorithm} key`,
      );
    }
  };

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
    requireSharedKey('REDIS_URL');
  }

  let redisCluster: readonly RedisNode[] | undefined;
  if (present(env['REDIS_CLUSTER'])) {
    const parsed = parseRedisCluster(env['REDIS_CLUSTER']);
    if (typeof parsed === 'string') problems.push(parsed);
    else redisCluster = parsed;
    if (redisUrl !== undefined)
      problems.push('REDIS_CLUSTER and REDIS_URL are exclusive: give the seed nodes of a Redis Cluster, or the URL of one Redis, not both');
    else requireSharedKey('REDIS_CLUSTER');
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
    if (present(env['REDIS_CLUSTER']))
      problems.push('DATABASE_URL and REDIS_CLUSTER are exclusive: keep the state in PostgreSQL or in Redis, not both');
    // Tokens must outlive a restart and verify on every instance: a per-process key cannot work.
    if (generatedJwtSecret) {
      problems.push(
        `JWT_SECRET must be set when DATABASE_URL is set: every instance, and the next start, verifies tokens with it (at least ${MIN_SECRET_BYTES} bytes)`,
      );
    }
    if (!symmetric && !present(env['JWT_PRIVATE_KEY'])) {
      problems.push(
        `JWT_PRIVATE_KEY must be set when DATABASE_URL is set: every instance, and the next start, signs with it and serves its public key (one ${jwtAlgorithm} key for all)`,
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

  let logLevel: LogLevelSetting = 'info';
  if (present(env['LOG_LEVEL'])) {
    const name = env['LOG_LEVEL'].trim().toLowerCase();
    if ((LOG_LEVELS as readonly string[]).includes(name)) logLevel = name as LogLevelSetting;
    else problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${env['LOG_LEVEL'].slice(0, 32)}")`);
  }

  let otlpEndpoint: string | undefined;
  if (present(env['OTEL_EXPORTER_OTLP_ENDPOINT'])) {
    otlpEndpoint = env['OTEL_EXPORTER_OTLP_ENDPOINT'].trim();
    let ok = false;
    try {
      const url = new URL(otlpEndpoint);
      ok = url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      ok = false;
    }
    // The URL may hold credentials: do not echo it.
    if (!ok) problems.push('OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL (the OTLP/HTTP collector, e.g. http://localhost:4318)');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    framework,
    admin: { email, password, generatedEmail, generatedPassword },
    accessTokenTtlSeconds,
    accessTokenTtlText: ttlText,
    jwtAlgorithm,
    jwtSecret,
    generatedJwtSecret,
    jwtKey,
    jwtIssuer,
    issuerUrl,
    jwtAudience,
    clientCompat,
    redisUrl,
    redisCluster,
    redisPrefix,
    databaseUrl,
    loginThrottle,
    trustProxy,
    logLevel,
    otlpEndpoint,
  };
}

/**
 * `REDIS_CLUSTER` → its seed nodes, or the problem (naming the variable). A comma-separated list
 * of 1 to 64 `host:port` entries: a host name, an IPv4 address or a bracketed IPv6 address
 * (`[fd00::1]:6379`), and a port from 1 to 65535. Entries that may hold credentials (a URL, an
 * `@`) are never echoed.
 */
function parseRedisCluster(text: string): readonly RedisNode[] | string {
  const entries = text.split(',').map((entry) => entry.trim());
  const usage = 'REDIS_CLUSTER must be a comma-separated list of host:port seed nodes of a Redis Cluster, like 10.0.0.1:6379,10.0.0.2:6379';
  if (entries.length > MAX_CLUSTER_NODES) return `${usage} (at most ${MAX_CLUSTER_NODES} of them)`;
  const nodes: RedisNode[] = [];
  for (const [index, entry] of entries.entries()) {
    const node = parseRedisNode(entry);
    if (node !== undefined) {
      nodes.push(node);
      continue;
    }
    // Echoed only when it cannot be a credential: host-like characters, and after the last colon
    // (if any) only digits — `default:s3cret` is not shown.
    const shown = /^[A-Za-z0-9.:[\]-]{1,100}$/.test(entry) && /^(?:[^:]*|.*:\d*)$/.test(entry) ? ` "${entry}"` : '';
    return entry === '' ? `${usage} (entry ${index + 1} is empty)` : `${usage} (entry ${index + 1}${shown} is not host:port)`;
  }
  return nodes;
}

function parseRedisNode(entry: string): RedisNode | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(entry);
  if (match === null) return undefined;
  const [, ipv6, name, portText] = match;
  const port = Number(portText);
  if (!(port >= 1 && port <= 65535)) return undefined;
  if (ipv6 !== undefined) return isIP(ipv6) === 6 ? { host: ipv6, port } : undefined;
  const host = name ?? '';
  return isIP(host) === 4 || HOST_NAME.test(host) ? { host, port } : undefined;
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

/** The curve each asymmetric algorithm signs with, as Node names the key's type and curve. */
const KEY_SHAPES = {
  EdDSA: { type: 'ed25519', curve: undefined, describe: 'an Ed25519 private key' },
  ES256: { type: 'ec', curve: 'prime256v1', describe: 'an EC P-256 private key' },
} as const;

/** `JWT_PRIVATE_KEY` → the key, or the problem (never quoting the key). */
function readPrivateKey(pem: string, algorithm: Exclude<JwtAlgorithm, 'HS256'>): KeyObject | string {
  const shape = KEY_SHAPES[algorithm];
  const problem = `JWT_PRIVATE_KEY must be ${shape.describe} in PEM (PKCS #8 "BEGIN PRIVATE KEY"${algorithm === 'ES256' ? ' or SEC 1 "BEGIN EC PRIVATE KEY"' : ''}) for JWT_ALGORITHM=${algorithm}`;
  let key: KeyObject;
  try {
    // A literal "\n" (one line in an .env file) stands for a line break.
    key = createPrivateKey({ key: pem.trim().replace(/\\n/g, '\n'), format: 'pem' });
  } catch {
    return problem;
  }
  if (key.asymmetricKeyType !== shape.type) return problem;
  if (shape.curve !== undefined && key.asymmetricKeyDetails?.namedCurve !== shape.curve) return problem;
  return key;
}

function generatePrivateKey(algorithm: Exclude<JwtAlgorithm, 'HS256'>): KeyObject {
  return algorithm === 'EdDSA' ? generateKeyPairSync('ed25519').privateKey : generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
}

/** RFC 7638: the SHA-256 of the public JWK's required members, in lexicographic order (base64url). */
function thumbprintOf(privateKey: KeyObject): string {
  const jwk = privateKey.export({ format: 'jwk' });
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** `JWT_ISSUER` as an RFC 8414 issuer: https (http on loopback), no query or fragment; else `undefined`. */
function discoveryIssuer(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
  if (!secure || /["\\]/.test(text) || text.includes('?') || text.includes('#') || url.username !== '' || url.password !== '') {
    return undefined;
  }
  return text;
}
