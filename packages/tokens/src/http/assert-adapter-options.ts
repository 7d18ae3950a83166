import type { AuthService } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import type { ErrorBodyFormatter } from './resolve-error-answer.js';

/**
 * The options every adapter takes: the auth service, and where to report errors answered
 * with a 5xx.
 *
 * @example
 * ```ts
 * const options: AdapterOptions = { service, onError: (error) => logger.error({ err: error }) };
 * ```
 */
export interface AdapterOptions {
  /** The auth service (`createAuthService`). */
  readonly service: AuthService<AnyPolicy>;
  /** Called with every error answered with a 5xx; its arguments are the adapter's. */
  readonly onError?: ((error: unknown, ...context: never[]) => void) | undefined;
  /** Shapes the body of every error answer (see {@link ErrorBodyFormatter}); status and headers stay core's. */
  readonly formatError?: ErrorBodyFormatter | undefined;
}

function isAuthService(value: unknown): value is AuthService<AnyPolicy> {
  const candidate = value as Partial<AuthService<AnyPolicy>> | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.authenticate === 'function' &&
    typeof candidate.login === 'function' &&
    typeof candidate.refresh === 'function' &&
    typeof candidate.logout === 'function' &&
    typeof candidate.policy === 'object' &&
    candidate.policy !== null
  );
}

/**
 * Throws a `TypeError` naming `where` unless `options` is an object whose `service` is an
 * {@link AuthService} (from `createAuthService`) and whose `onError` and `formatError`, if any,
 * are functions.
 * Adapters call it when they are created, so a wrong option fails at startup.
 *
 * @example
 * ```ts
 * import { assertAdapterOptions } from '@scopeladder/tokens/http';
 *
 * export function createMyAdapter(options: MyAdapterOptions) {
 *   assertAdapterOptions(options, 'createMyAdapter'); // TypeError: createMyAdapter: options.service must be an AuthService (…)
 *   const { service } = options;
 *   // …
 * }
 * ```
 */
export function assertAdapterOptions(options: unknown, where: string): asserts options is AdapterOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options are required`);
  const { service, onError, formatError } = options as Partial<AdapterOptions>;
  if (!isAuthService(service)) {
    throw new TypeError(`${where}: options.service must be an AuthService (createAuthService from @scopeladder/tokens)`);
  }
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError(`${where}: onError must be a function`);
  if (formatError !== undefined && typeof formatError !== 'function') {
    throw new TypeError(`${where}: formatError must be a function (answer, error) => body`);
  }
}
