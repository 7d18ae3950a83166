import type { AuthService } from '@scopeladder/tokens';
import type { DiscoveryOptions, ErrorBodyFormatter } from '@scopeladder/tokens/http';
import type { TrustProxy } from '../config.js';
import type { Logger } from '../log.js';
import type { ApiRoute } from '../routes.js';

/** What every framework file gets: the same routes, the same auth service, the same logger. */
export interface FrameworkAppOptions {
  readonly auth: AuthService;
  readonly routes: readonly ApiRoute[];
  readonly logger: Logger;
  /** The answer of `GET /health` (no authentication): 200 while the storage answers, else 503. */
  readonly health: () => Promise<HealthAnswer>;
  /**
   * `TRUST_PROXY`: set as the framework's own trust-proxy option, so the client address (the
   * login throttling source) is the client behind the load balancer. `undefined`: the socket.
   */
  readonly trustProxy?: TrustProxy | undefined;
  /**
   * The adapters' discovery routes (JWKS, RFC 8414, RFC 9728), when `JWT_ISSUER` is the server's
   * URL; `undefined`: the JWKS alone, at `/.well-known/jwks.json`.
   */
  readonly discovery?: DiscoveryOptions | undefined;
  /** The adapters' `formatError` (`CLIENT_COMPAT=chatshipper-sdk`); `undefined`: core's bodies. */
  readonly formatError?: ErrorBodyFormatter | undefined;
}

/** What `GET /health` answers. */
export interface HealthAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** A listening (or ready to listen) HTTP server, whatever the framework. */
export interface FrameworkServer {
  /** Starts listening; resolves the bound address (with the real port when `port` was 0). */
  listen(port: number, host: string): Promise<{ host: string; port: number }>;
  /** Stops accepting connections, lets in-flight requests finish (for up to `graceMs`), then closes. */
  close(graceMs: number): Promise<void>;
}

/** A framework file's one export. */
export type CreateFrameworkServer = (options: FrameworkAppOptions) => Promise<FrameworkServer>;
