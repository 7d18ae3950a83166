import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { defineConfig } from 'tsup';

type EsbuildPlugin = NonNullable<
  Parameters<typeof defineConfig>[0] extends infer O ? (O extends { esbuildPlugins?: infer P } ? P : never) : never
>[number];

/**
 * `@scopeladder/postgres` finds its `migrations/` folder next to its own module
 * (`import.meta.url`). Bundled here, that module is `main.js`: point the lookup back at the
 * package's sources, relative to the output folder, so `migrate()` reads the shipped SQL files.
 */
const postgresMigrations: EsbuildPlugin = {
  name: 'scopeladder-postgres-migrations',
  setup(build) {
    const outDir = resolve(build.initialOptions.outdir ?? 'dist');
    build.onLoad({ filter: /[\\/]packages[\\/]postgres[\\/]src[\\/]lib[\\/]migrations\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const from = `${relative(outDir, dirname(args.path)).split(sep).join('/')}/`;
      const contents = source.replace('dirname(fileURLToPath(import.meta.url))', `fileURLToPath(new URL(${JSON.stringify(from)}, import.meta.url))`);
      if (contents === source) throw new Error('tsup.config.ts: the migrations lookup of @scopeladder/postgres changed; update the plugin');
      return { contents, loader: 'ts' };
    });
  },
};

// Self-contained ESM: main.js and the chunks of what it imports on demand (the chosen framework's
// glue; the OpenTelemetry export, only with OTEL_EXPORTER_OTLP_ENDPOINT). The scopeladder packages are bundled from their sources (through
// the `paths` of tsconfig.base.json), together with their own dependencies (jose, @casl/ability,
// fastify-plugin), so `pnpm start` needs no prior build of the packages. The web frameworks,
// ioredis and pg stay external: they are this package's dependencies and load from node_modules.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  tsconfig: 'tsconfig.json',
  sourcemap: true,
  clean: true,
  dts: false,
  splitting: true,
  noExternal: [/^@scopeladder\//],
  external: ['express', 'fastify', 'koa', '@koa/router', 'ioredis', 'pg'],
  esbuildPlugins: [postgresMigrations],
});
