import { isScopeladderError } from '@scopeladder/core';
import { createAuthService, hashPassword, type AuthService, type AuthServiceOptions } from '@scopeladder/tokens';
import type { DiscoveryOptions } from '@scopeladder/tokens/http';
import { subscribeAuditLog } from './audit.js';
import { ensureBootstrapAdmin, type BootstrapAdmin } from './bootstrap.js';
import type { Framework, ServerConfig } from './config.js';
import type { CreateFrameworkServer, FrameworkServer, HealthAnswer } from './http/types.js';
import { currentRequestId } from './http/request-context.js';
import { formatSdkError } from './http/sdk-compat.js';
import type { Logger } from './log.js';
import { serverPolicy } from './policy.js';
import { createRoutes } from './routes.js';
import { createMemoryStorage } from './storage/memory.js';
import { openPostgresStorage } from './storage/postgres-storage.js';
import { openRedisStorage } from './storage/redis-storage.js';
import type { Storage } from './storage/types.js';

/** The running server. */
export interface ChatshipperServer {
  readonly address: { readonly host: string; readonly port: number };
  readonly framework: Framework;
  /** Where state lives, for the banner: `memory`, or `redis at redis://host:port (prefix "…")`. */
  readonly storage: string;
  /** The bootstrap admin, and whether this start created it or found it (another instance made it). */
  readonly admin: BootstrapAdmin;
  /** Graceful stop (in-flight requests get up to `graceMs`), then the storage's connections close. */
  close(graceMs?: number): Promise<void>;
}

/** Options of {@link startChatshipperServer}. */
export interface StartChatshipperServerOptions {
  readonly config: ServerConfig;
  readonly logger: Logger;
}

/** The realm of `WWW-Authenticate` challenges. */
export const REALM = 'chatshipper';

async function loadFramework(framework: Framework): Promise<CreateFrameworkServer> {
  // Loaded on demand: only the chosen framework's code runs.
  switch (framework) {
    case 'express':
      return (await import('./http/express.js')).createExpressServer;
    case 'fastify':
      return (await import('./http/fastify.js')).createFastifyServer;
    case 'koa':
      return (await import('./http/koa.js')).createKoaServer;
  }
}

/**
 * Where state lives: in memory by default; with `REDIS_URL` (one Redis) or `REDIS_CLUSTER` (a
 * Redis Cluster), every piece of it (tokens, users, resources) in Redis, shared by every
 * instance; with `DATABASE_URL`, in PostgreSQL.
 */
async function createStorage(config: ServerConfig, logger: Logger): Promise<Storage> {
  if (config.databaseUrl !== undefined) return openPostgresStorage({ url: config.databaseUrl, logger });
  if (config.redisCluster !== undefined) return openRedisStorage({ cluster: config.redisCluster, prefix: config.redisPrefix, logger });
  if (config.redisUrl === undefined) return createMemoryStorage();
  return openRedisStorage({ url: config.redisUrl, prefix: config.redisPrefix, logger });
}

/** A start-up failure worth a clear line: Redis went away between connecting and bootstrapping. */
function describeStartError(error: unknown, storage: Storage): unknown {
  if (isScopeladderError(error) && error.code === 'ERR_STORE_UNAVAILABLE') {
    return new Error(`the storage (${storage.description}) is unavailable`);
  }
  return error;
}

/**
 * Builds the whole server from its configuration: storage, the auth service on the server's
 * policy (`serverPolicy`: the ChatShipper matrix with tenancy), the bootstrap organization and admin, the routes on the chosen
 * framework; then listens.
 *
 * @example
 * ```ts
 * const server = await startChatshipperServer({ config: parseConfig(process.env), logger: createLogger() });
 * process.once('SIGTERM', () => server.close());
 * ```
 */
export async function startChatshipperServer(options: StartChatshipperServerOptions): Promise<ChatshipperServer> {
  const { config, logger } = options;
  const storage = await createStorage(config, logger);
  // One audit line per security event the library publishes, with the request's id.
  const stopAudit = subscribeAuditLog({ logger, requestId: currentRequestId });
  try {
    const server = await startOn(storage, config, logger);
    return { ...server, close: (graceMs) => server.close(graceMs).finally(stopAudit) };
  } catch (error) {
    stopAudit();
    await storage.close();
    throw describeStartError(error, storage);
  }
}

async function startOn(storage: Storage, config: ServerConfig, logger: Logger): Promise<ChatshipperServer> {
  const sdk = config.clientCompat === 'chatshipper-sdk';
  const discovery = discoveryOf(config);
  const auth: AuthService = createAuthService({
    policy: serverPolicy,
    directory: storage.users,
    store: storage.tokenStore,
    keys: keysOf(config),
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    ...(discovery?.protectedResource === undefined ? {} : { resourceMetadataUrl: resourceMetadataUrlOf(discovery.protectedResource.resource) }),
    // ChatShipper's SDK: it refreshes on a 401 only, reads the user id from `_id`, and keeps its
    // refresh token only when the scope string names admin or bot (the expanded cascade does).
    ...(sdk
      ? ({ expiredTokenStatus: 401, claims: (user) => ({ _id: user.id }), scopeFormat: 'expanded' } satisfies Partial<AuthServiceOptions>)
      : {}),
    accessTokenTtl: config.accessTokenTtlSeconds,
    clockTolerance: clockToleranceFor(config.accessTokenTtlSeconds),
    realm: REALM,
    throttle: config.loginThrottle,
  });

  const bootstrap = (): Promise<BootstrapAdmin> =>
    ensureBootstrapAdmin({
      users: storage.users,
      resources: storage.resources,
      email: config.admin.email,
      password: config.admin.password,
      hashPassword: (password) => hashPassword(password),
    });
  const admin = await bootstrap();
  // A Redis that restarted without persistence comes back empty: create the admin again, so
  // the deployment can be logged in to without restarting every instance.
  storage.onRecovered(() => {
    bootstrap().then(
      (again) => {
        if (again.created) logger.info('storage: the bootstrap admin was missing after the outage and was created again');
      },
      (error: unknown) => {
        logger.error(`storage: could not check the bootstrap admin after the outage: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  });

  const routes = createRoutes({
    auth,
    users: storage.users,
    resources: storage.resources,
    roles: serverPolicy.ladder.scopes,
    hashPassword: (password) => hashPassword(password),
  });
  const startedAt = Date.now();
  const health = async (): Promise<HealthAnswer> => {
    const check = await storage.check();
    return {
      status: check.ok ? 200 : 503,
      body: {
        status: check.ok ? 'ok' : 'unavailable',
        framework: config.framework,
        storage: storage.name,
        ...check.details,
        uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      },
    };
  };
  const createServer = await loadFramework(config.framework);
  const server: FrameworkServer = await createServer({
    auth,
    routes,
    logger,
    health,
    trustProxy: config.trustProxy,
    discovery,
    formatError: sdk ? formatSdkError : undefined,
  });
  const address = await server.listen(config.port, config.host);
  let closing: Promise<void> | undefined;
  return {
    address,
    framework: config.framework,
    storage: storage.description,
    admin,
    // HTTP first (requests in flight still need the storage), then the storage's connections.
    close: (graceMs = 10_000) => (closing ??= server.close(graceMs).finally(() => storage.close())),
  };
}

/** The service's signing keys: the HS256 secret, or the EdDSA / ES256 private key under its thumbprint. */
function keysOf(config: ServerConfig): AuthServiceOptions['keys'] {
  if (config.jwtAlgorithm === 'HS256' || config.jwtKey === undefined) return { algorithm: 'HS256', secret: config.jwtSecret };
  return { algorithm: config.jwtAlgorithm, keys: [{ kid: config.jwtKey.kid, privateKey: config.jwtKey.privateKey }] };
}

/**
 * The discovery documents, when `JWT_ISSUER` is the server's public URL: RFC 8414 (the token,
 * revocation and introspection endpoints under it) and RFC 9728 with that URL as the resource
 * (this server is its own resource server). `undefined` otherwise: the JWKS alone is served.
 */
export function discoveryOf(config: ServerConfig): DiscoveryOptions | undefined {
  if (config.issuerUrl === undefined) return undefined;
  return { issuer: config.issuerUrl, protectedResource: { resource: config.issuerUrl } };
}

/** RFC 9728 §3.1: the well-known path inserted between the resource's origin and its path. */
function resourceMetadataUrlOf(resource: string): string {
  const url = new URL(resource);
  return `${url.origin}/.well-known/oauth-protected-resource${url.pathname.replace(/\/$/, '')}`;
}

/**
 * The leeway for `exp`/`iat` checks: the auth service's default 5 s, but never more than a tenth
 * of the token's lifetime, so that a short `ACCESS_TOKEN_TTL` (`2s`) is observable as such.
 */
export function clockToleranceFor(ttlSeconds: number): number {
  return Math.min(5, Math.floor(ttlSeconds / 10));
}
