import { defineConfig } from 'tsup';

export default defineConfig({
  // `@scopeladder/tokens`, the `@scopeladder/tokens/http` subpath (for adapter authors) and the
  // `@scopeladder/tokens/diagnostics` subpath (diagnostics_channel names and message types).
  entry: { index: 'src/index.ts', 'http/index': 'src/http/index.ts', 'diagnostics/index': 'src/diagnostics/index.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { paths: {} } },
  // No source maps: they would point at sources the tarball does not ship (and doubled its size).
  sourcemap: false,
  clean: true,
  target: 'node20',
  external: [/^@scopeladder\//],
});
