import fc from 'fast-check';
import { subject, type Principal } from '@scopeladder/core';
import { TRAP_NAMES, withoutKnown } from '../lib/scope-source.js';
import { otherId } from './principals.js';

/**
 * What {@link action}, {@link resourceType} and {@link target} read from a policy.
 *
 * @example
 * ```ts
 * const vocabulary: PolicyVocabulary = { resources: ['Note'], actions: ['read', 'write'] };
 * ```
 */
export interface PolicyVocabulary {
  readonly resources: readonly string[];
  readonly actions: readonly string[];
}

/**
 * Which record a generated instance is.
 *
 * @example
 * ```ts
 * const theirs = arbitraries.subjectInstance('User', me, 'other' satisfies Ownership);
 * ```
 */
export type Ownership = 'own' | 'other';

/**
 * A generated subject of a check, with what it stands for.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.target(chatshipperPolicy, guest), (t: GeneratedTarget) =>
 *   t.kind !== 'other' || !chatshipperPolicy.can(guest, 'update', t.subject as never),
 * ));
 * ```
 */
export interface GeneratedTarget {
  /** The resource type. */
  readonly resource: string;
  /** `type` (the bare type string), `own` (the principal's own record) or `other` (someone else's). */
  readonly kind: 'type' | Ownership;
  /** What to pass to `can()`: the type string, or an instance tagged with `subject()`. */
  readonly subject: string | object;
}

/**
 * One of the policy's actions.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.action(chatshipperPolicy), (action) => chatshipperPolicy.actions.includes(action)));
 * ```
 */
export function action(policy: PolicyVocabulary): fc.Arbitrary<string> {
  return fc.constantFrom(...nonEmpty('arbitraries.action', policy.actions, 'actions'));
}

/**
 * A string that is NOT one of the policy's actions: CASL's wildcard `manage`, case and
 * whitespace variants of real actions (`List`, `list `), `__proto__`, common verbs the policy
 * does not use (`read`, `write`), random strings. Must be denied to everyone.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.unknownAction(chatshipperPolicy), (action) =>
 *   !chatshipperPolicy.can(admin, action, 'User'),
 * ));
 * ```
 */
export function unknownAction(policy: PolicyVocabulary): fc.Arbitrary<string> {
  const actions = nonEmpty('arbitraries.unknownAction', policy.actions, 'actions');
  return unknownName(actions, ['read', 'write', 'edit', 'remove', 'get', 'post', 'patch', 'put', 'admin']);
}

/**
 * A value that is NOT a string but reads like one of the policy's actions where code is loose
 * about types: the action inside an array (`['delete']` becomes `"delete"` as a property key), a
 * `String` object, an object whose `toString` answers it, plus `null`, `undefined` and numbers.
 * Must be denied to everyone, by every check.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.junkAction(chatshipperPolicy), (action) =>
 *   !chatshipperPolicy.can(admin, action as 'delete', 'Organization'),
 * ));
 * ```
 */
export function junkAction(policy: PolicyVocabulary): fc.Arbitrary<unknown> {
  const actions = nonEmpty('arbitraries.junkAction', policy.actions, 'actions');
  const lookalike = fc.constantFrom(...actions).chain((name) =>
    // eslint-disable-next-line no-new-wrappers
    fc.constantFrom<unknown>([name], new String(name), { toString: () => name }),
  );
  return fc.oneof({ arbitrary: lookalike, weight: 3 }, { arbitrary: fc.constantFrom<unknown>(null, undefined, 0, 42, {}), weight: 1 });
}

/**
 * One of the policy's resource (subject) types.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.resourceType(chatshipperPolicy), (type) => chatshipperPolicy.resources.includes(type)));
 * ```
 */
export function resourceType(policy: PolicyVocabulary): fc.Arbitrary<string> {
  return fc.constantFrom(...nonEmpty('arbitraries.resourceType', policy.resources, 'resources'));
}

/**
 * A string that is NOT one of the policy's resource types: CASL's wildcard `all`, case and
 * plural variants of real types (`user`, `Users`), `Object`, `__proto__`, random strings.
 * Must be denied to everyone.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.unknownResourceType(chatshipperPolicy), (type) =>
 *   !chatshipperPolicy.can(admin, 'fetch', type),
 * ));
 * ```
 */
export function unknownResourceType(policy: PolicyVocabulary): fc.Arbitrary<string> {
  const resources = nonEmpty('arbitraries.unknownResourceType', policy.resources, 'resources');
  return unknownName(resources, ['Object', 'Function', 'Array', 'Subject', 'Resource']);
}

/**
 * An instance of a resource type, tagged with CASL's `subject()`: the principal's own record
 * (`id` equal to `principal.id`) or someone else's (an id that differs, often by one character).
 * Both carry the principal's organization when it has one, so only the id can tell them apart.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.subjectInstance('User', guest, 'other'), (user) =>
 *   !chatshipperPolicy.can(guest, 'fetch', user),
 * ));
 * ```
 */
export function subjectInstance(resource: string, principal: Principal, ownership: Ownership): fc.Arbitrary<object> {
  if (typeof resource !== 'string') throw new TypeError('arbitraries.subjectInstance: resource must be a string');
  if (ownership !== 'own' && ownership !== 'other') throw new TypeError('arbitraries.subjectInstance: ownership must be "own" or "other"');
  const ids = ownership === 'own' ? fc.constant(principal.id) : otherId(principal.id);
  const organization = typeof principal.organization === 'string' ? { organization: principal.organization } : {};
  return ids.map((id) => subject(resource, { id, ...organization }));
}

/**
 * Something to check a principal against: a resource type string, the principal's own record,
 * or someone else's record, of any of the policy's resource types.
 *
 * @example
 * ```ts
 * const checks = arbitraries.principal(chatshipperPolicy).chain((who) =>
 *   fc.tuple(fc.constant(who), arbitraries.action(chatshipperPolicy), arbitraries.target(chatshipperPolicy, who)),
 * );
 * ```
 */
export function target(policy: PolicyVocabulary, principal: Principal): fc.Arbitrary<GeneratedTarget> {
  return fc
    .tuple(resourceType(policy), fc.constantFrom('type' as const, 'own' as const, 'other' as const))
    .chain(([resource, kind]) =>
      kind === 'type'
        ? fc.constant<GeneratedTarget>({ resource, kind, subject: resource })
        : subjectInstance(resource, principal, kind).map((instance): GeneratedTarget => ({ resource, kind, subject: instance })),
    );
}

function unknownName(known: readonly string[], extra: readonly string[]): fc.Arbitrary<string> {
  const crafted = withoutKnown(
    [
      ...known.flatMap((name) => [name.toUpperCase(), name.toLowerCase(), `${name}s`, ` ${name}`, `${name} `, `${name}\u0000`]),
      ...TRAP_NAMES,
      ...extra,
      '',
    ],
    known,
  );
  const set = new Set(known);
  const random = fc.string({ maxLength: 12 }).filter((name) => !set.has(name));
  return crafted.length === 0 ? random : fc.oneof({ arbitrary: fc.constantFrom(...crafted), weight: 3 }, { arbitrary: random, weight: 1 });
}

function nonEmpty(where: string, values: readonly string[] | undefined, what: string): readonly string[] {
  if (!Array.isArray(values) || values.length === 0) throw new TypeError(`${where}: the policy has no ${what}`);
  return values;
}
