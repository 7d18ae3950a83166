import { defineConfig } from 'tsup';

export default defineConfig({
  // `@scopeladder/tokens` and the `@scopeladder/tokens/http` subpath (for adapter authors).
  entry: { index: 'src/index.ts', 'http/index': 'src/http/index.ts' },
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { paths: {} } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: [/^@scopeladder\//],
});
