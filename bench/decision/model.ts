// The vocabulary every implementation is benchmarked on: the ChatShipper matrix (SEED.md).
import type { ChatShipperAction, ChatShipperResource, ChatShipperScope } from '@scopeladder/core';

export type Scope = ChatShipperScope;
export type Action = ChatShipperAction;
export type Resource = ChatShipperResource;

export const SCOPES: readonly Scope[] = ['guest', 'agent', 'bot', 'admin'];
export const ACTIONS: readonly Action[] = ['list', 'fetch', 'create', 'update', 'delete'];
export const RESOURCES: readonly Resource[] = [
  'Organization',
  'OrganizationGroup',
  'User',
  'Conversation',
  'Message',
  'Contact',
  'KnowledgeItem',
  'Form',
  'Service',
];

/**
 * A principal as `authenticate()` hands it over: an id and its scopes. ChatShipper principals hold
 * one scope (the user's role), so every competitor can map `scopes[0]` to its role.
 */
// A type alias, not an interface: assignable to core's `Principal` (which has an index signature).
export type BenchPrincipal = {
  readonly id: string;
  readonly scopes: readonly Scope[];
};

/** A type-level check: may `principal` do `action` on `resource` (no record at hand)? */
export interface TypeQuery {
  readonly principal: BenchPrincipal;
  readonly action: Action;
  readonly resource: Resource;
}

/** An instance check: may `principal` do `action` on this record? `own` when `recordId === principal.id`. */
export interface InstanceQuery {
  readonly principal: BenchPrincipal;
  readonly action: Action;
  readonly resource: Resource;
  readonly recordId: string;
  readonly own: boolean;
}

/** The inputs of one run. `fresh` queries each carry a principal seen nowhere else. */
export interface QuerySet {
  readonly type: readonly TypeQuery[];
  readonly instance: readonly InstanceQuery[];
  readonly fresh: readonly InstanceQuery[];
}

/** What a type-level check answers: allowed on *every* record (a route guard) or on *some* (CASL's `can(action, type)`). */
export type TypeSemantics = 'every' | 'some';

/** The timed code of one implementation: each call runs `batch` checks from a rotating cursor and counts the allowed ones. */
export interface DecisionLoops {
  type(): number;
  instance(): number;
  fresh(): number;
}

/** One contender of the decision suite. */
export interface DecisionImplementation {
  /** Row label, e.g. `"@casl/ability"`. */
  readonly name: string;
  /** What its type-level check answers; verification uses the matching oracle. */
  readonly typeSemantics: TypeSemantics;
  /** The code each check runs, shown in RESULTS.md. */
  readonly calls: { readonly type: string; readonly instance: string; readonly fresh: string };
  /**
   * Converts `queries` to the implementation's own inputs (abilities, role names, tagged
   * records…) and returns the loops over them. Verification calls the same loops with one query
   * at a time, so what is verified is exactly what is timed.
   */
  loops(queries: QuerySet, batch: number): DecisionLoops;
}
