import type { ForcedSubject, MongoAbility, MongoQuery, RawRuleOf } from '@casl/ability';
import type { FieldNameProblem } from './check-field-name.js';
import type { Ladder } from './define-ladder.js';
import type { Principal } from './principal.js';

/**
 * A matrix cell with a "(self)" part: `self` is the lowest scope that may act on the principal's
 * own record (an instance whose `selfField`, `id` by default, equals `principal.id`); `any` is the
 * lowest scope that may act on every record (`null` or absent: no scope may).
 *
 * @example
 * ```ts
 * const cell: SelfCell<'guest' | 'bot'> = { any: 'bot', self: 'guest' };
 * ```
 */
export interface SelfCell<S extends string = string> {
  readonly any?: S | null | undefined;
  readonly self: S;
}

/**
 * One cell of a matrix: the lowest scope that may do the action on any record, `null` when no
 * scope may, or a {@link SelfCell}.
 *
 * @example
 * ```ts
 * const cells: MatrixCell<'guest' | 'admin'>[] = ['admin', null, { any: 'admin', self: 'guest' }];
 * ```
 */
export type MatrixCell<S extends string = string> = S | null | SelfCell<S>;

/**
 * A permission matrix: resource → action → {@link MatrixCell}. Every resource lists the same
 * actions. Declare it `as const` so resource, action and scope names become literal types.
 *
 * @example
 * ```ts
 * const matrix = {
 *   Note: { read: 'reader', write: { any: 'owner', self: 'writer' } },
 * } as const satisfies Matrix<'reader' | 'writer' | 'owner'>;
 * ```
 */
export type Matrix<S extends string = string> = {
  readonly [resource: string]: { readonly [action: string]: MatrixCell<S> };
};

/**
 * The resource names of a matrix type.
 *
 * @example
 * ```ts
 * type R = MatrixResource<typeof chatshipperMatrix>; // 'Organization' | … | 'Service'
 * ```
 */
export type MatrixResource<M> = Extract<keyof M, string>;

/**
 * The action names of a matrix type (the union over its resources).
 *
 * @example
 * ```ts
 * type A = MatrixAction<typeof chatshipperMatrix>; // 'list' | 'fetch' | 'create' | 'update' | 'delete'
 * ```
 */
export type MatrixAction<M> = { [R in keyof M]: Extract<keyof M[R], string> }[keyof M];

/**
 * Field rules of one (resource, action) cell.
 *
 * @example
 * ```ts
 * const rule: FieldRule = { protected: ['role', 'organization'] };
 * ```
 */
export interface FieldRule {
  /**
   * Fields only the unconditional (`any`) grant covers: a principal allowed only through the
   * cell's self grant may not touch them (nor their sub-paths, e.g. `organization.id`). Names are
   * plain property names (letters, digits, `_`, `$`, `-`; no dots or wildcards).
   */
  readonly protected: readonly string[];
}

/**
 * Field rules per resource and action, e.g. `{ User: { update: { protected: ['role'] } } }`.
 *
 * @example
 * ```ts
 * const fields: FieldRules<typeof chatshipperMatrix> = { User: { update: { protected: ['role'] } } };
 * ```
 */
export type FieldRules<M> = {
  readonly [R in keyof M]?: { readonly [A in keyof M[R]]?: FieldRule };
};

/**
 * A tagged resource instance, as made by `subject('User', { id })`.
 *
 * @example
 * ```ts
 * const target: SubjectInstance<'User'> = subject('User', { id: '5f0c8a1e9b3d2c4a6e8f0a1b' });
 * ```
 */
export type SubjectInstance<R extends string = string> = ForcedSubject<R>;

/**
 * What a check is about: a resource type (`'User'`) or a tagged instance (`subject('User', { id })`).
 *
 * @example
 * ```ts
 * const targets: PolicyTarget<'User'>[] = ['User', subject('User', { id: 'u1' })];
 * ```
 */
export type PolicyTarget<R extends string = string> = R | SubjectInstance<R>;

/**
 * The CASL ability type a policy builds for a principal.
 *
 * @example
 * ```ts
 * const ability: PolicyAbility<ChatShipperAction, ChatShipperResource> = chatshipperPolicy.abilityFor(principal);
 * ```
 */
export type PolicyAbility<A extends string = string, R extends string = string> = MongoAbility<[A, R | SubjectInstance<R>]> & {
  /**
   * The route-guard question on the ability: may the principal act on *every* record of `type`
   * (every record within its reach, with tenancy), with no self condition? CASL's own
   * `can(action, type)` keeps its "some record" meaning (a guest may fetch *some* User: its own).
   */
  canEvery(action: A, type: R, field?: string): boolean;
};

/**
 * A raw CASL rule as {@link Policy.rulesFor} returns it: JSON-safe, loadable by `createMongoAbility`.
 *
 * @example
 * ```ts
 * const rules: PolicyRawRule[] = chatshipperPolicy.rulesFor(principal);
 * const browserAbility = createMongoAbility(rules);
 * ```
 */
export type PolicyRawRule = RawRuleOf<MongoAbility>;

/**
 * Why a decision came out as it did.
 *
 * | reason | meaning |
 * |---|---|
 * | `granted` | allowed |
 * | `insufficient_scope` | a higher scope of the ladder would allow it |
 * | `no_known_scope` | the principal holds no scope the ladder knows; some scope would allow it |
 * | `not_self` | the principal may do this only to its own record, and the target is not (only) that |
 * | `field_not_permitted` | the principal's self grant does not cover this (protected) field |
 * | `forbidden` | no scope of the ladder allows it |
 * | `unknown_action` | the action is not in the policy |
 * | `unknown_subject` | the subject type is not in the policy, or could not be detected |
 * | `invalid_field` | the field is not a string |
 * | `no_organization` | the policy has tenancy and the principal has no usable `organizationPath` |
 * | `other_organization` | the record is outside the principal's organization subtree (or has no path); `authorize` answers it exactly like a missing record |
 *
 * @example
 * ```ts
 * const reason: DecisionReason = chatshipperPolicy.explain(guest, 'list', 'User').reason; // 'insufficient_scope'
 * ```
 */
export type DecisionReason =
  | 'granted'
  | 'insufficient_scope'
  | 'no_known_scope'
  | 'not_self'
  | 'field_not_permitted'
  | 'forbidden'
  | 'unknown_action'
  | 'unknown_subject'
  | 'invalid_field'
  | 'no_organization'
  | 'other_organization';

/**
 * The answer of {@link Policy.explain}.
 *
 * @example
 * ```ts
 * const decision: Decision = chatshipperPolicy.explain(guest, 'update', 'User', undefined, { every: true });
 * // { allowed: false, requiredScope: 'admin', reason: 'not_self', … }
 * ```
 */
export interface Decision<S extends string = string> {
  /** Whether the check passes. Equals `can()` (or `canEvery()` with `{ every: true }`). */
  readonly allowed: boolean;
  /** The action checked. */
  readonly action: string;
  /** The subject type checked (detected from an instance), or `''` when none could be detected. */
  readonly subject: string;
  /** The field checked, when one was. */
  readonly field?: string;
  /** The lowest scope that would allow this check for this principal, or `null` when none would. */
  readonly requiredScope: S | null;
  /** The lowest scope the principal holds that allows it, or `null` when denied. */
  readonly grantedBy: S | null;
  /** Why. */
  readonly reason: DecisionReason;
  /** Whether it is allowed only through the self grant (the principal's own record). */
  readonly conditional: boolean;
}

/**
 * Options of {@link Policy.explain}.
 *
 * @example
 * ```ts
 * policy.explain(principal, 'fetch', 'User', undefined, { every: true }); // the route-guard answer
 * ```
 */
export interface ExplainOptions {
  /**
   * For a type target: decide for every instance (like {@link Policy.canEvery}, what route guards
   * use) instead of "some instance" (CASL's type-level answer, like {@link Policy.can}). Ignored
   * for instances. Default `false`.
   */
  readonly every?: boolean | undefined;
}

/**
 * Options of {@link Policy.rulesFor}.
 *
 * @example
 * ```ts
 * const rules = policy.rulesFor(principal, { dialect: 'prisma' }); // for @casl/prisma's createPrismaAbility
 * ```
 */
export interface RulesForOptions {
  /**
   * The syntax of the conditions: `'mongo'` (default; CASL's `createMongoAbility`, `@casl/mongoose`)
   * or `'prisma'` (Prisma `where` input, for `@casl/prisma`'s `createPrismaAbility`). They differ
   * only in the tenancy condition: a `$regex` on the path in `mongo`, `OR: [equals, startsWith]`
   * in `prisma` (a scalar string column; see docs/organizations.md for a list of paths).
   */
  readonly dialect?: 'mongo' | 'prisma' | undefined;
}

/**
 * What a list (or bulk) query may return, from {@link Policy.filterFor}: nothing, everything, or
 * the records matching a condition. Every kind has `matches(record)`, the predicate (equal to
 * `policy.can(principal, action, subject(type, record))`); a condition also comes as a MongoDB /
 * CASL query (`query`) and as a Prisma `where` (`prisma`), both fresh objects on every call.
 *
 * @example
 * ```ts
 * const filter = policy.filterFor(principal, 'list', 'Conversation');
 * if (filter.kind === 'none') return [];
 * const rows = filter.kind === 'all' ? await Conversation.find() : await Conversation.find(filter.query);
 * ```
 */
export type ListFilter = ListFilterNone | ListFilterAll | ListFilterCondition;

/**
 * {@link ListFilter}: the principal may list no record of the type.
 *
 * @example
 * ```ts
 * if (filter.kind === 'none') return [];
 * ```
 */
export interface ListFilterNone {
  readonly kind: 'none';
  /** Always `false`. */
  matches(record: unknown): boolean;
}

/**
 * {@link ListFilter}: every record of the type (only without tenancy: with tenancy, even a root
 * admin gets a condition).
 *
 * @example
 * ```ts
 * if (filter.kind === 'all') return store.list();
 * ```
 */
export interface ListFilterAll {
  readonly kind: 'all';
  /** Always `true`. */
  matches(record: unknown): boolean;
}

/**
 * {@link ListFilter}: the records matching a condition — the tenancy subtree, the principal's own
 * record (self-only cells), or both AND'ed.
 *
 * @example
 * ```ts
 * // { organizationPath: { $regex: '^r1#c1(?:#|(?![\\s\\S]))' } }
 * const rows = await Conversation.find(filter.query);
 * ```
 */
export interface ListFilterCondition {
  readonly kind: 'condition';
  /** The condition as a MongoDB / CASL query (what `rulesToCondition` and `@casl/mongoose` build from the rules). */
  readonly query: MongoQuery;
  /** The same condition as a Prisma `where` input (tenancy fields as scalar string columns). */
  readonly prisma: Record<string, unknown>;
  /** The predicate: whether a plain record of the type matches. */
  matches(record: unknown): boolean;
}

/**
 * Options of {@link Policy.requiredScope}.
 *
 * @example
 * ```ts
 * chatshipperPolicy.requiredScope('update', 'User', { self: true });                // 'guest'
 * chatshipperPolicy.requiredScope('update', 'User', { self: true, field: 'role' }); // 'admin'
 * ```
 */
export interface RequiredScopeOptions {
  /** Ask about the principal's own record (the "(self)" rows). Default `false`. */
  readonly self?: boolean | undefined;
  /** Ask about one field (a protected field needs the `any` grant even on one's own record). */
  readonly field?: string | undefined;
}

/**
 * One row of {@link Policy.decisionTable}: who may do `action` to `resource` (to their own record
 * when `self`). The same data `docs/matrix.md` is generated from.
 *
 * @example
 * ```ts
 * const row: DecisionRow = chatshipperPolicy.decisionTable()[0]!;
 * // { resource: 'Organization', action: 'list', self: false, requiredScope: 'bot',
 * //   allowed: { guest: false, agent: false, bot: true, admin: true } }
 * ```
 */
export interface DecisionRow<S extends string = string, R extends string = string, A extends string = string> {
  readonly resource: R;
  readonly action: A;
  /** Whether the row is about the principal's own record. */
  readonly self: boolean;
  /** The lowest scope allowed, or `null` when none is. */
  readonly requiredScope: S | null;
  /** Per scope of the ladder: allowed or not. */
  readonly allowed: Readonly<Record<S, boolean>>;
}

/**
 * A policy's resolved tenancy: the separator and, per resource type, the record property holding
 * the path(s) of its organization(s).
 *
 * @example
 * ```ts
 * chatshipperTenantPolicy.tenancy?.fieldByType.Conversation; // 'organizationPath'
 * chatshipperTenantPolicy.tenancy?.fieldByType.User;         // 'organizationPaths'
 * ```
 */
export interface PolicyTenancy<R extends string = string> {
  readonly separator: string;
  readonly fieldByType: Readonly<Record<R, string>>;
}

/**
 * A compiled authorization policy: a ladder of cascading scopes and a resource × action matrix,
 * answering checks directly (fast path) and as real CASL abilities. Built by `definePolicy`.
 *
 * Type-level vs instance checks: `can(p, 'fetch', 'User')` answers like CASL — *true* if the
 * principal may fetch *some* User (a guest may fetch their own). `canEvery(p, 'fetch', 'User')`
 * answers *true* only if they may fetch *every* User; that is what a route guard for a type-level
 * route must use, and what `authorize()` uses for a type target.
 *
 * Unknown actions, subjects and scopes never throw: they deny.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy, subject } from '@scopeladder/core';
 *
 * const guest = { id: 'u1', scopes: ['guest'] };
 * chatshipperPolicy.can(guest, 'fetch', subject('User', { id: 'u1' })); // true (self)
 * chatshipperPolicy.can(guest, 'fetch', subject('User', { id: 'u2' })); // false
 * chatshipperPolicy.canEvery(guest, 'fetch', 'User');                   // false
 * chatshipperPolicy.authorize(guest, 'list', 'User');                   // throws ERR_INSUFFICIENT_SCOPE
 * ```
 */
export interface Policy<S extends string = string, R extends string = string, A extends string = string> {
  /** The ladder of scopes. */
  readonly ladder: Ladder<S>;
  /** Every resource type, in matrix order. */
  readonly resources: readonly R[];
  /** Every action, in matrix order. */
  readonly actions: readonly A[];
  /** The instance property compared with `principal.id` by self grants (default `id`). */
  readonly selfField: string;
  /** The tenancy declaration, resolved (separator and the path field of every type), or `null`. */
  readonly tenancy: PolicyTenancy<R> | null;
  /**
   * CASL's `ability.can(action, target, field)` for `principal`, without building an ability.
   * For a type: true if the principal may act on *some* instance (possibly only its own).
   */
  can(principal: Principal, action: A, target: PolicyTarget<R>, field?: string): boolean;
  /** True only if the principal may act on *every* instance of `type` (no self condition). */
  canEvery(principal: Principal, action: A, type: R, field?: string): boolean;
  /** The decision with its reason, the lowest scope that would allow it and the scope that granted it. */
  explain(principal: Principal, action: A, target: PolicyTarget<R>, field?: string, options?: ExplainOptions): Decision<S>;
  /**
   * The guard: returns when allowed, otherwise throws `ScopeladderError` `ERR_INSUFFICIENT_SCOPE`
   * (some scope of the ladder would allow it) or `ERR_FORBIDDEN` (none would), with `denial`.
   * A type target is checked with `canEvery` semantics; an instance with the self rule; a field
   * array requires every field. A field name that is never legitimate — a control character, or a
   * look-alike of a protected field of the type (`checkFieldName`) — throws `ERR_FIELD_NAME_INVALID`
   * (400) before any permission is asked, whoever asks: pass a body's keys and a guard is complete.
   */
  authorize(principal: Principal, action: A, target: PolicyTarget<R>, field?: string | readonly string[]): void;
  /**
   * A real, immutable `@casl/ability` `MongoAbility` for the principal. Cheap to ask for: the common
   * checks are answered from the policy's tables, and the CASL rule index behind it is built only
   * when a CASL method needs it, then cached per principal (id and level) in the policy, so a
   * repeated principal never rebuilds it. Principals without self rules share one ability per level;
   * others get a new, light object on each call (compare abilities by their answers, not identity).
   */
  abilityFor(principal: Principal): PolicyAbility<A, R>;
  /**
   * The principal's rules, JSON-safe and fresh (unfrozen, never shared: Mongoose may cast them in
   * place): a browser loads them with `createMongoAbility(rules)`. With tenancy, every granting
   * rule carries the subtree condition; a principal without a usable path gets none.
   */
  rulesFor(principal: Principal, options?: RulesForOptions): PolicyRawRule[];
  /**
   * What a list (or bulk) query for `type` may return: `{ kind: 'none' }`, `{ kind: 'all' }`, or
   * `{ kind: 'condition', query, prisma, matches }` — the tenancy subtree (one prefix condition,
   * however many organizations lie below) AND'ed with the self condition for self-only cells.
   * Agrees with `can` on every record. Lists are authorized by this, never by a type-level `can`.
   */
  filterFor(principal: Principal, action: A, type: R): ListFilter;
  /** The lowest scope that may do `action` on every `type` (or on one's own record with `{ self: true }`). */
  requiredScope(action: A, type: R, options?: RequiredScopeOptions): S | null;
  /** The protected fields of a cell (see {@link FieldRule}); empty when none. */
  protectedFields(action: A, type: R): readonly string[];
  /**
   * `checkFieldName(name, protected)` (see that function) against the protected fields of every
   * action of `type`, their skeletons computed once when the policy was defined: `null` when the
   * name is fine (including the exact protected names, which the policy decides about), else
   * `control_character` or `confusable`. An unknown type protects nothing: only control
   * characters are a problem.
   */
  checkFieldName(type: R, name: string): FieldNameProblem | null;
  /** Every (resource, action, self) row with the lowest scope and the answer per scope. */
  decisionTable(): readonly DecisionRow<S, R, A>[];
}
