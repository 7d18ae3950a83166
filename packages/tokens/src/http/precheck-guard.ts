import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import { decidePrecheck } from './decide-precheck.js';
import type { GuardPolicy, GuardSpec } from './guard-types.js';

/**
 * The check a guard can make before the request body is read: a guard without `load` must at
 * least be allowed on the whole subject type. Lets an adapter refuse before parsing a body
 * (Fastify: in `onRequest`); {@link runGuard} still runs the full check afterwards, unless
 * {@link isPrecheckComplete} says this check was all of it. A guard with `load` is not checked
 * here: its decision needs the record. {@link decidePrecheck} is the same without a promise.
 *
 * @example
 * ```ts
 * import { precheckGuard } from '@scopeladder/tokens/http';
 *
 * const auth = await service.authenticate(readAuthorization(request.raw));
 * await precheckGuard(auth, service.policy, { action: 'create', subject: 'Contact' }); // throws ERR_INSUFFICIENT_SCOPE for a guest
 * ```
 */
export async function precheckGuard(auth: AuthContext<AnyPolicy>, policy: GuardPolicy, spec: GuardSpec<never>): Promise<void> {
  await decidePrecheck(auth, policy, spec);
}
