import type { ChatShipperPolicy, Policy } from '@scopeladder/core';

/**
 * Tells the type checker which policy the application's auth service uses, for the types that
 * cannot be inferred from a value: the adapters' request augmentations (`req.auth` in Express,
 * `request.auth` and the route config in Fastify, `ctx.state.auth` in Koa) and the plain
 * `AuthService` / `AuthContext` types. Without a registration they are ChatShipper's
 * (`chatshipperPolicy`, the default policy of `createAuthService`); an application with its own
 * policy registers it once, anywhere in its sources. Guards made from a service
 * (`createExpressAuth({ service }).authorize(…)`, `createKoaAuth`) follow that service's policy
 * whether registered or not.
 *
 * @example
 * ```ts
 * import { definePolicy } from '@scopeladder/core';
 *
 * export const notesPolicy = definePolicy({
 *   scopes: ['reader', 'owner'],
 *   matrix: { Note: { read: 'reader', write: 'owner' } },
 * } as const);
 *
 * declare module '@scopeladder/tokens' {
 *   interface Register {
 *     policy: typeof notesPolicy;
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by applications (declaration merging)
export interface Register {}

/**
 * Any policy, whatever its scopes, resources and actions: the constraint of the types that take
 * a policy type.
 *
 * @example
 * ```ts
 * function resourcesOf<P extends AnyPolicy>(policy: P): readonly PolicyResourceOf<P>[] { return policy.resources; }
 * ```
 */
export type AnyPolicy = Policy<string, string, string>;

/**
 * The policy type registered with {@link Register}, or {@link ChatShipperPolicy} when none is.
 *
 * @example
 * ```ts
 * const policy: RegisteredPolicy = chatshipperPolicy; // with no registration
 * ```
 */
export type RegisteredPolicy = Register extends { readonly policy: infer P extends AnyPolicy } ? P : ChatShipperPolicy;

/**
 * The action names of a policy type.
 *
 * @example
 * ```ts
 * type A = PolicyActionOf<typeof chatshipperPolicy>; // 'list' | 'fetch' | 'create' | 'update' | 'delete'
 * ```
 */
export type PolicyActionOf<P extends AnyPolicy> = P['actions'][number];

/**
 * The resource (subject type) names of a policy type.
 *
 * @example
 * ```ts
 * type R = PolicyResourceOf<typeof chatshipperPolicy>; // 'Organization' | … | 'Service'
 * ```
 */
export type PolicyResourceOf<P extends AnyPolicy> = P['resources'][number];
