// Correctness, not timing: every contender of the decision benchmark must answer the ChatShipper
// matrix exactly as core's decision table does, so a wrong competitor model is caught in CI
// rather than benchmarked.
import { describe, expect, it } from 'vitest';
import { CASBIN_MODEL, CASBIN_POLICY, createCasbin } from './implementations/casbin.js';
import { createImplementations } from './implementations/index.js';
import { createLookupTable } from './implementations/lookup-table.js';
import type { DecisionImplementation } from './model.js';
import { createOracle } from './oracle.js';
import { createMatrixQuerySet, createQuerySet } from './queries.js';
import { assertAllAgree, verifyImplementation } from './verify.js';

const oracle = createOracle();
const matrix = createMatrixQuerySet();
const timed = createQuerySet({ size: 512, freshSize: 1500 });
const implementations = await createImplementations();

describe('decision benchmark: every implementation agrees with the decision table', () => {
  it.each(implementations.map((implementation) => [implementation.name, implementation] as const))('%s', (_name, implementation) => {
    const verification = verifyImplementation(implementation, oracle, matrix, timed);
    expect(verification.disagreements).toEqual([]);
    // 4 scopes × 5 actions × 9 resources: type, own + other instance, own + other new principal; 3 timed passes.
    expect(verification.checks).toBe(180 * 5 + 3);
  });

  it('covers the whole matrix for every scope', () => {
    expect(matrix.type).toHaveLength(4 * 5 * 9);
    expect(matrix.instance.filter((q) => q.own)).toHaveLength(4 * 5 * 9);
    expect(new Set(matrix.fresh.map((q) => q.principal.id)).size).toBe(matrix.fresh.length);
  });
});

describe('decision benchmark: the verification catches wrong models', () => {
  it('a casbin policy missing one permission', async () => {
    const broken = await createCasbin({ policy: CASBIN_POLICY.replace('p, bot, KnowledgeItem, delete, any\n', '') });
    const verification = verifyImplementation(broken, oracle, matrix);
    expect(verification.disagreements.length).toBeGreaterThan(0);
    expect(verification.disagreements.some((d) => d.detail.includes('delete KnowledgeItem'))).toBe(true);
    expect(() => assertAllAgree([verification])).toThrow(/casbin: \d+ of \d+ checks disagree/);
  });

  it('a casbin model that ignores ownership (self rows granted on every record)', async () => {
    const broken = await createCasbin({ model: CASBIN_MODEL.replace('(p.own == "any" || r.obj.id == r.sub.id)', 'true') });
    const verification = verifyImplementation(broken, oracle, matrix);
    expect(verification.disagreements.some((d) => d.detail.includes("someone else's record"))).toBe(true);
  });

  it('an implementation answering the wrong type-level question', () => {
    const table = createLookupTable();
    const wrong: DecisionImplementation = { ...table, typeSemantics: 'some' };
    expect(verifyImplementation(wrong, oracle, matrix).disagreements.some((d) => d.check === 'type')).toBe(true);
  });

  it('a loop that answers the timed set wrongly', () => {
    const table = createLookupTable();
    const wrong: DecisionImplementation = {
      ...table,
      loops: (queries, batch) => {
        const loops = table.loops(queries, batch);
        return { ...loops, fresh: () => (queries.fresh.length > 1 ? loops.fresh() + 1 : loops.fresh()) };
      },
    };
    const verification = verifyImplementation(wrong, oracle, matrix, timed);
    expect(verification.disagreements).toEqual([expect.objectContaining({ check: 'timed set', detail: 'allowed new-principal queries' })]);
  });
});
