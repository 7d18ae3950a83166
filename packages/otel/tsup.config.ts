import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { paths: {} } },
  // No source maps: they would point at sources the tarball does not ship (and doubled its size).
  sourcemap: false,
  clean: true,
  target: 'node20',
  external: [/^@scopeladder\//],
});
