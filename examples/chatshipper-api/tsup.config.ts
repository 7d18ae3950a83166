import { defineConfig } from 'tsup';

// One self-contained ESM file. The scopeladder packages are bundled from their sources (through
// the `paths` of tsconfig.base.json), together with their own dependencies (jose, @casl/ability,
// fastify-plugin), so `pnpm start` needs no prior build of the packages. The web frameworks and
// ioredis stay external: they are this package's dependencies and load from node_modules.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.json',
  sourcemap: true,
  clean: true,
  dts: false,
  splitting: false,
  noExternal: [/^@scopeladder\//],
  external: ['express', 'fastify', 'koa', '@koa/router', 'ioredis'],
});
