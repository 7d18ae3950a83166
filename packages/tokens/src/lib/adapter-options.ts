import type { AnyPolicy } from '../register.js';
import type { AuthService, Authenticator } from '../service-types.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A policy from core (`chatshipperPolicy` or `definePolicy(...)`): the members the adapters use. */
export function isPolicy(value: unknown): value is AnyPolicy {
  return (
    isObject(value) &&
    typeof value['abilityFor'] === 'function' &&
    typeof value['authorize'] === 'function' &&
    isObject(value['ladder']) &&
    Array.isArray(value['actions']) &&
    Array.isArray(value['resources'])
  );
}

/**
 * An {@link Authenticator}: our auth service, or a verifier of an identity provider's tokens.
 * Its policy is checked as an object only (a service builds its abilities itself; the guards'
 * checks of actions and subject types find a policy that is not one).
 */
export function isAuthenticator(value: unknown): value is Authenticator<AnyPolicy> {
  return isObject(value) && typeof value['authenticate'] === 'function' && isObject(value['policy']) && isObject(value['http']);
}

/** The full auth service (`createAuthService`): an {@link Authenticator} that also logs in, refreshes and logs out. */
export function isAuthService(value: Authenticator<AnyPolicy>): value is AuthService<AnyPolicy> {
  const candidate = value as Partial<AuthService<AnyPolicy>>;
  return typeof candidate.login === 'function' && typeof candidate.refresh === 'function' && typeof candidate.logout === 'function';
}
