// Shared Stryker settings; each package's config (stryker/<package>.config.mjs) adds what to mutate.
/** @param {string} name the package folder, e.g. "core" @param {string[]} mutate */
export function strykerConfig(name, mutate) {
  process.env.STRYKER_PACKAGE = name;
  // STRYKER_RUN=<label> names this run's temp folder and reports (`reports/mutation/<package>-<label>.*`),
  // so two runs on the same package (different `--mutate` files) can go side by side.
  const run = process.env.STRYKER_RUN;
  if (run !== undefined && !/^[a-z0-9-]+$/.test(run)) throw new TypeError('STRYKER_RUN must be lower-case letters, digits and dashes');
  const label = run === undefined ? name : `${name}-${run}`;
  return {
    packageManager: 'pnpm',
    testRunner: 'vitest-strict',
    plugins: ['@stryker-mutator/vitest-runner', './stryker/strict-vitest-runner.mjs'],
    vitest: { configFile: 'stryker/vitest.package.config.ts', related: false },
    coverageAnalysis: 'perTest',
    mutate,
    ignorePatterns: ['dist', 'reports', 'bench', '**/node_modules/.cache', '.stryker-tmp'],
    tempDirName: `.stryker-tmp/${label}`,
    concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 2),
    timeoutMS: 10_000,
    // Static mutants (module-level constants: the error table, the ChatShipper matrix) re-run every test
    // each; those tables have exhaustive table tests. `STRYKER_STATIC=1 pnpm mutate core` runs them too.
    ignoreStatic: process.env.STRYKER_STATIC !== '1',
    reporters: ['clear-text', 'progress', 'json', 'html'],
    jsonReporter: { fileName: `reports/mutation/${label}.json` },
    htmlReporter: { fileName: `reports/mutation/${label}.html` },
    thresholds: { high: 95, low: 90, break: null },
  };
}
