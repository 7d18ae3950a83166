import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against sources: no build is needed to test.
    // Subpath entry points are listed one by one (the package pattern below only matches `@scopeladder/<pkg>`).
    alias: [
      { find: /^@scopeladder\/tokens\/http$/, replacement: `${root}packages/tokens/src/http/index.ts` },
      { find: /^@scopeladder\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'test/**/*.test.ts',
      'examples/*/src/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'docs/**/*.test.ts',
      'scripts/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
    // Property tests: one fixed, printed fast-check seed per run (FC_SEED replays or explores).
    globalSetup: ['test/support/fast-check-global-setup.ts'],
    setupFiles: ['test/support/fast-check-seed.ts'],
  },
});
