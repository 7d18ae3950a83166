import type { AuthService } from '../service-types.js';

/**
 * Throws a `TypeError` unless `service` looks like an {@link AuthService} (from
 * `createAuthService`). Adapters call it when they are created, so a wrong option fails at
 * startup, naming where.
 *
 * @example
 * ```ts
 * import { assertAuthService } from '@scopeladder/tokens/http';
 *
 * export function createMyAdapter(options: { service: AuthService }) {
 *   assertAuthService(options.service, 'createMyAdapter: options.service');
 *   // …
 * }
 * ```
 */
export function assertAuthService(service: unknown, where: string): asserts service is AuthService {
  const candidate = service as Partial<AuthService> | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.authenticate !== 'function' ||
    typeof candidate.login !== 'function' ||
    typeof candidate.refresh !== 'function' ||
    typeof candidate.logout !== 'function' ||
    typeof candidate.policy !== 'object' ||
    candidate.policy === null
  ) {
    throw new TypeError(`${where} must be an AuthService (createAuthService from @scopeladder/tokens)`);
  }
}
