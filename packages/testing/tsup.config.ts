import { defineConfig } from 'tsup';

export default defineConfig({
  // `@scopeladder/testing` and the `@scopeladder/testing/store-contract` subpath (imports vitest, an optional peer).
  entry: { index: 'src/index.ts', 'store-contract/index': 'src/store-contract/index.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { paths: {} } },
  // No source maps: they would point at sources the tarball does not ship (and doubled its size).
  sourcemap: false,
  clean: true,
  target: 'node20',
  external: [/^@scopeladder\//],
});
