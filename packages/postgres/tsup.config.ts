import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { paths: {} } },
  // No source maps: they would point at sources the tarball does not ship.
  sourcemap: false,
  clean: true,
  target: 'node20',
  // `import.meta.url` in the CommonJS build too: migrate() finds the shipped migrations/ beside dist/.
  shims: true,
  external: [/^@scopeladder\//, 'pg'],
});
