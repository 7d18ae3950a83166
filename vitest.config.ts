import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * ioredis 6, installed beside ioredis 5 under the alias `ioredis6` (packages/redis devDependencies).
 * The `ioredis6` project below runs the Redis tests again with every `ioredis` import (the
 * sources', the tests' and test/support's) answered by it: @scopeladder/redis supports both majors.
 */
const ioredis6 = realpathSync(`${root}packages/redis/node_modules/ioredis6`);

/** The Redis tests run on both majors: the store, its contract suite, collections, auth, failures. */
const redisTests = ['packages/redis/src/**/*.test.ts'];

export default defineConfig({
  resolve: {
    // Tests run against sources: no build is needed to test.
    // Subpath entry points are listed one by one (the package pattern below only matches `@scopeladder/<pkg>`).
    alias: [
      { find: /^@scopeladder\/tokens\/http$/, replacement: `${root}packages/tokens/src/http/index.ts` },
      { find: /^@scopeladder\/tokens\/diagnostics$/, replacement: `${root}packages/tokens/src/diagnostics/index.ts` },
      { find: /^@scopeladder\/testing\/store-contract$/, replacement: `${root}packages/testing/src/store-contract/index.ts` },
      { find: /^@scopeladder\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    // Property tests: one fixed, printed fast-check seed per run (FC_SEED replays or explores).
    // A whole run without the test Redis stops at once with one line saying how to start one.
    globalSetup: ['test/support/fast-check-global-setup.ts', 'test/support/redis-global-setup.ts'],
    setupFiles: ['test/support/fast-check-seed.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'scopeladder',
          include: [
            'packages/*/src/**/*.test.ts',
            'test/**/*.test.ts',
            'examples/*/src/**/*.test.ts',
            'examples/*/test/**/*.test.ts',
            'docs/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          env: { SCOPELADDER_IOREDIS_MAJOR: '5' },
          typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        extends: true,
        resolve: {
          alias: [{ find: /^ioredis(\/.*)?$/, replacement: `${ioredis6}$1` }],
        },
        test: {
          name: 'ioredis6',
          include: redisTests,
          env: { SCOPELADDER_IOREDIS_MAJOR: '6' },
        },
      },
    ],
  },
});
