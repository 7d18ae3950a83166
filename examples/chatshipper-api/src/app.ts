import { chatshipperPolicy } from '@scopeladder/core';
import { createAuthService, createMemoryStore, hashPassword, type AuthService } from '@scopeladder/tokens';
import type { Framework, ServerConfig } from './config.js';
import type { CreateFrameworkServer, FrameworkServer } from './http/types.js';
import { newId } from './lib/ids.js';
import type { Logger } from './log.js';
import { createRoutes } from './routes.js';
import { createMemoryResourceRepository, createMemoryUserRepository } from './storage/memory.js';
import type { ResourceRepository, UserRepository } from './storage/types.js';

/** The running server. */
export interface ChatshipperServer {
  readonly address: { readonly host: string; readonly port: number };
  readonly framework: Framework;
  /** Where state lives: `"memory"`. */
  readonly storage: string;
  /** The bootstrap admin's id and organization. */
  readonly admin: { readonly id: string; readonly organization: string };
  /** Graceful stop (in-flight requests get up to `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/** Options of {@link startChatshipperServer}. */
export interface StartChatshipperServerOptions {
  readonly config: ServerConfig;
  readonly logger: Logger;
}

/** The realm of `WWW-Authenticate` challenges. */
export const REALM = 'chatshipper';
const ISSUER = 'chatshipper-api';
const AUDIENCE = 'chatshipper-api';

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

/** State behind small interfaces: memory now; a Redis implementation slots in here. */
interface Storage {
  readonly name: string;
  readonly users: UserRepository;
  readonly resources: ResourceRepository;
  readonly tokenStore: ReturnType<typeof createMemoryStore>;
}

function createStorage(config: ServerConfig): Storage {
  if (config.redisUrl !== undefined) {
    throw new Error('REDIS_URL is set, but this server does not support Redis storage yet; unset REDIS_URL to keep state in memory');
  }
  return {
    name: 'memory',
    users: createMemoryUserRepository(),
    resources: createMemoryResourceRepository(),
    tokenStore: createMemoryStore(),
  };
}

/**
 * Builds the whole server from its configuration: storage, the auth service on
 * `chatshipperPolicy`, the bootstrap organization and admin, the routes on the chosen
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
  const storage = createStorage(config);
  const auth: AuthService = createAuthService({
    policy: chatshipperPolicy,
    directory: storage.users,
    store: storage.tokenStore,
    keys: { algorithm: 'HS256', secret: config.jwtSecret },
    issuer: ISSUER,
    audience: AUDIENCE,
    accessTokenTtl: config.accessTokenTtlSeconds,
    clockTolerance: clockToleranceFor(config.accessTokenTtlSeconds),
    realm: REALM,
  });

  const admin = await bootstrap(storage, config);

  const routes = createRoutes({
    auth,
    users: storage.users,
    resources: storage.resources,
    roles: chatshipperPolicy.ladder.scopes,
    hashPassword: (password) => hashPassword(password),
  });
  const startedAt = Date.now();
  const createServer = await loadFramework(config.framework);
  const server: FrameworkServer = await createServer({
    auth,
    routes,
    logger,
    health: () => ({
      status: 'ok',
      framework: config.framework,
      storage: storage.name,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
    }),
  });
  const address = await server.listen(config.port, config.host);
  let closing: Promise<void> | undefined;
  return {
    address,
    framework: config.framework,
    storage: storage.name,
    admin,
    close: (graceMs = 10_000) => (closing ??= server.close(graceMs)),
  };
}

/**
 * The leeway for `exp`/`iat` checks: the auth service's default 5 s, but never more than a tenth
 * of the token's lifetime, so that a short `ACCESS_TOKEN_TTL` (`2s`) is observable as such.
 */
export function clockToleranceFor(ttlSeconds: number): number {
  return Math.min(5, Math.floor(ttlSeconds / 10));
}

/** Creates the root organization and the bootstrap admin in it. */
async function bootstrap(storage: Storage, config: ServerConfig): Promise<{ id: string; organization: string }> {
  const organization = newId();
  await storage.resources.create('Organization', { id: organization, organization: undefined, name: 'ChatShipper', level: 1 });
  const id = newId();
  const created = await storage.users.create({
    id,
    email: config.admin.email,
    role: 'admin',
    kind: 'user',
    organization,
    passwordHash: await hashPassword(config.admin.password),
    profile: { name: 'Bootstrap admin' },
  });
  if (!created) throw new Error('Could not create the bootstrap admin');
  return { id, organization };
}
