// Suite 1: the cost of one authorization decision, side by side, on the ChatShipper matrix.
import { do_not_optimize } from 'mitata';
import { runMicro, type MicroOptions, type MicroResult } from '../lib/measure.js';
import { createBaseline, createImplementations } from './implementations/index.js';
import type { DecisionImplementation, DecisionLoops } from './model.js';
import { createOracle } from './oracle.js';
import { createMatrixQuerySet, createQuerySet } from './queries.js';
import { assertAllAgree, verifyImplementation, type Verification } from './verify.js';

/** The three checks measured. */
export const DECISION_KINDS = ['type', 'instance', 'fresh'] as const;
export type DecisionKind = (typeof DECISION_KINDS)[number];

export const DECISION_KIND_TITLES: Readonly<Record<DecisionKind, string>> = {
  type: 'Type-level check (known principal, no record)',
  instance: 'Instance check with the "(self)" rule (known principal, one record)',
  fresh: 'New principal: build what the library needs + one instance check',
};

/** Checks per timed call: the loop amortises the call into the harness. */
const BATCH: Readonly<Record<DecisionKind, number>> = { type: 512, instance: 512, fresh: 256 };

export interface DecisionRowResult {
  readonly implementation: DecisionImplementation;
  readonly baseline: boolean;
  readonly result: MicroResult;
}

export interface DecisionSuiteResult {
  readonly verifications: readonly Verification[];
  readonly querySizes: { readonly type: number; readonly instance: number; readonly fresh: number };
  readonly rows: Readonly<Record<DecisionKind, readonly DecisionRowResult[]>>;
}

/** Verifies every implementation against the whole matrix (aborting on any disagreement), then times them. */
export async function runDecisionSuite(options: MicroOptions): Promise<DecisionSuiteResult> {
  const log = options.log ?? (() => {});
  const oracle = createOracle();
  const matrix = createMatrixQuerySet();
  const timed = createQuerySet();
  const implementations = await createImplementations();
  const baseline = createBaseline();

  log("decision: verifying every implementation against core's decision table…");
  const verifications = implementations.map((implementation) => verifyImplementation(implementation, oracle, matrix, timed));
  assertAllAgree(verifications);
  for (const v of verifications) log(`  ${v.name}: ${v.checks} checks agree`);

  const contenders = [
    ...implementations.map((implementation) => ({ implementation, baseline: false })),
    { implementation: baseline, baseline: true },
  ];
  const rows = {} as Record<DecisionKind, DecisionRowResult[]>;
  for (const kind of DECISION_KINDS) {
    log(`decision: ${DECISION_KIND_TITLES[kind]}`);
    const loops = contenders.map((c) => ({ ...c, loops: c.implementation.loops(timed, BATCH[kind]) as DecisionLoops }));
    const cases = loops.map((c, index) => ({
      id: String(index),
      operations: BATCH[kind],
      fn:
        kind === 'type'
          ? () => do_not_optimize(c.loops.type())
          : kind === 'instance'
            ? () => do_not_optimize(c.loops.instance())
            : () => do_not_optimize(c.loops.fresh()),
    }));
    const results = await runMicro(cases, options);
    rows[kind] = loops.map((c, index) => ({ implementation: c.implementation, baseline: c.baseline, result: results[index]! }));
  }
  return {
    verifications,
    querySizes: { type: timed.type.length, instance: timed.instance.length, fresh: timed.fresh.length },
    rows,
  };
}
