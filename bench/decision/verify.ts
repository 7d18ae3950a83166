// A benchmark of a wrong answer does not count: every implementation answers the whole matrix
// (through the very loops that are timed) and must agree with core's decision table.
import type { DecisionImplementation, InstanceQuery, QuerySet, TypeQuery } from './model.js';
import type { Oracle } from './oracle.js';

/** One disagreement with the oracle. */
export interface Disagreement {
  readonly check: 'type' | 'instance' | 'fresh' | 'timed set';
  readonly detail: string;
  readonly expected: boolean | number;
  readonly got: boolean | number;
}

/** How one implementation fared. */
export interface Verification {
  readonly name: string;
  readonly checks: number;
  readonly disagreements: readonly Disagreement[];
}

const EMPTY: readonly never[] = [];

function describe(q: TypeQuery | InstanceQuery): string {
  const own = 'own' in q ? (q.own ? ' (own record)' : " (someone else's record)") : '';
  return `${q.principal.scopes.join(' ')} ${q.action} ${q.resource}${own}`;
}

/**
 * Checks `implementation` against `oracle` on every query of `matrix` (one query at a time), then
 * checks that one full pass of the loops over `timed` allows exactly as many queries as the oracle
 * does (so the timed inputs are answered correctly too).
 */
export function verifyImplementation(implementation: DecisionImplementation, oracle: Oracle, matrix: QuerySet, timed?: QuerySet): Verification {
  const disagreements: Disagreement[] = [];
  let checks = 0;
  const scopeOf = (q: TypeQuery) => q.principal.scopes[0]!;

  for (const q of matrix.type) {
    const got = implementation.loops({ type: [q], instance: EMPTY, fresh: EMPTY }, 1).type() === 1;
    const expected = oracle.type(scopeOf(q), q.action, q.resource, implementation.typeSemantics);
    checks++;
    if (got !== expected) disagreements.push({ check: 'type', detail: `${describe(q)} [${implementation.typeSemantics}]`, expected, got });
  }
  for (const q of matrix.instance) {
    const got = implementation.loops({ type: EMPTY, instance: [q], fresh: EMPTY }, 1).instance() === 1;
    const expected = oracle.instance(scopeOf(q), q.action, q.resource, q.own);
    checks++;
    if (got !== expected) disagreements.push({ check: 'instance', detail: describe(q), expected, got });
  }
  for (const q of matrix.fresh) {
    const got = implementation.loops({ type: EMPTY, instance: EMPTY, fresh: [q] }, 1).fresh() === 1;
    const expected = oracle.instance(scopeOf(q), q.action, q.resource, q.own);
    checks++;
    if (got !== expected) disagreements.push({ check: 'fresh', detail: `new principal: ${describe(q)}`, expected, got });
  }

  if (timed !== undefined) {
    const count = <Q>(queries: readonly Q[], answer: (q: Q) => boolean) => queries.reduce((n, q) => n + (answer(q) ? 1 : 0), 0);
    const expectType = count(timed.type, (q) => oracle.type(scopeOf(q), q.action, q.resource, implementation.typeSemantics));
    const expectInstance = count(timed.instance, (q) => oracle.instance(scopeOf(q), q.action, q.resource, q.own));
    const expectFresh = count(timed.fresh, (q) => oracle.instance(scopeOf(q), q.action, q.resource, q.own));
    const pass = (set: QuerySet, batch: number) => implementation.loops(set, batch);
    const gotType = pass({ type: timed.type, instance: EMPTY, fresh: EMPTY }, timed.type.length).type();
    const gotInstance = pass({ type: EMPTY, instance: timed.instance, fresh: EMPTY }, timed.instance.length).instance();
    const gotFresh = pass({ type: EMPTY, instance: EMPTY, fresh: timed.fresh }, timed.fresh.length).fresh();
    checks += 3;
    if (gotType !== expectType) disagreements.push({ check: 'timed set', detail: 'allowed type-level queries', expected: expectType, got: gotType });
    if (gotInstance !== expectInstance)
      disagreements.push({ check: 'timed set', detail: 'allowed instance queries', expected: expectInstance, got: gotInstance });
    if (gotFresh !== expectFresh)
      disagreements.push({ check: 'timed set', detail: 'allowed new-principal queries', expected: expectFresh, got: gotFresh });
  }
  return { name: implementation.name, checks, disagreements };
}

/** Throws, listing the disagreements, unless every verification is clean. */
export function assertAllAgree(verifications: readonly Verification[]): void {
  const failed = verifications.filter((v) => v.disagreements.length > 0);
  if (failed.length === 0) return;
  const lines = failed.flatMap((v) => [
    `${v.name}: ${v.disagreements.length} of ${v.checks} checks disagree with core's decision table:`,
    ...v.disagreements.slice(0, 20).map((d) => `  ${d.check}: ${d.detail}: expected ${String(d.expected)}, got ${String(d.got)}`),
  ]);
  throw new Error(`Decision benchmark aborted: an implementation gives wrong answers.\n${lines.join('\n')}`);
}
