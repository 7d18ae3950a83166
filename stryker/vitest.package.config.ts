// The vitest config Stryker runs: the repository's own (same aliases: tests run against the
// sources), narrowed to ONE package's tests (STRYKER_PACKAGE), without the type tests.
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from '../vitest.config.js';

const name = process.env['STRYKER_PACKAGE'];
if (name === undefined || !/^[a-z-]+$/.test(name)) throw new Error('STRYKER_PACKAGE must name a package folder, e.g. core');

/**
 * Test files left out of mutation runs, per package, and why: the Redis cluster tests start and
 * kill local Redis Clusters (ports 7200–7299, tens of seconds each); the single-node tests run the
 * same store code. CI runs them all.
 */
const slowInfrastructure: Record<string, string[]> = {
  redis: ['packages/redis/src/redis-cluster*.test.ts', 'packages/redis/src/redis-collection-cluster.test.ts'],
};

/**
 * Test files outside a package's folder that test its code: the store contract suite runs
 * against the tokens package's memory store from test/store-contract.
 */
const testsElsewhere: Record<string, string[]> = {
  tokens: ['test/store-contract/memory-store.test.ts'],
};

/**
 * `STRYKER_TESTS=<glob>,<glob>`: run these test files instead of the package's (e.g. the memory
 * store with its own tests and the store contract suite, which lives in test/). A narrower set
 * gives a lower bound: a mutant it kills, the package's tests would also meet.
 */
const tests = process.env['STRYKER_TESTS']?.split(',').filter((glob) => glob !== '');

// Without the root config's projects (the default run and the ioredis 6 rerun of the Redis
// tests): one plain project narrowed to the package.
const { projects: _projects, ...test } = base.test ?? {};

/**
 * Fastest test files first. Stryker runs a mutant's covering tests with `bail: 1`, so a killed
 * mutant costs only the files up to the first failure; vitest's default order (slowest first,
 * by the cached durations) would start every mutant with the slow property tests.
 */
class FastestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).reverse();
  }
}

export default defineConfig({
  ...base,
  test: {
    ...test,
    include: tests ?? [`packages/${name}/src/**/*.test.ts`, ...(testsElsewhere[name] ?? [])],
    exclude: [...(test.exclude ?? []), ...(slowInfrastructure[name] ?? [])],
    // The default project's: the Redis tests run on ioredis 5 (the `ioredis6` rerun is left out).
    env: { SCOPELADDER_IOREDIS_MAJOR: '5' },
    typecheck: { enabled: false },
    sequence: { ...test.sequence, sequencer: FastestFirstSequencer },
  },
});
