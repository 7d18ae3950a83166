// The vitest config Stryker runs: the repository's own (same aliases: tests run against the
// sources), narrowed to ONE package's tests (STRYKER_PACKAGE), without the type tests.
import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

const name = process.env['STRYKER_PACKAGE'];
if (name === undefined || !/^[a-z-]+$/.test(name)) throw new Error('STRYKER_PACKAGE must name a package folder, e.g. core');

// Without the root config's projects (the default run and the ioredis 6 rerun of the Redis
// tests): one plain project narrowed to the package.
const { projects: _projects, ...test } = base.test ?? {};

export default defineConfig({
  ...base,
  test: {
    ...test,
    include: [`packages/${name}/src/**/*.test.ts`],
    typecheck: { enabled: false },
  },
});
