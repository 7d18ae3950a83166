// One-off scaffold helper kept for adding packages consistently.
import { copyFileSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
const [name, description, depsJson = '{}', peerJson = '{}', devJson = '{}'] = process.argv.slice(2);
const dir = `packages/${name}`;
mkdirSync(`${dir}/src`, { recursive: true });
const pkg = {
  name: `@scopeladder/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  author: 'scopeladder contributors',
  repository: { type: 'git', url: 'git+https://github.com/scopeladder/scopeladder.git', directory: dir },
  homepage: `https://github.com/scopeladder/scopeladder/tree/main/${dir}#readme`,
  bugs: { url: 'https://github.com/scopeladder/scopeladder/issues' },
  type: 'module',
  sideEffects: false,
  engines: { node: '>=20.19' },
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  files: ['dist'],
  scripts: {
    build: 'tsup',
    lint: 'publint --strict && attw --pack .',
    typecheck: 'tsc -p tsconfig.json --noEmit',
  },
  dependencies: JSON.parse(depsJson),
  peerDependencies: JSON.parse(peerJson),
  devDependencies: JSON.parse(devJson),
  keywords: ['authorization', 'scopes', 'casl', 'oauth2', 'jwt'],
};
for (const k of ['dependencies', 'peerDependencies', 'devDependencies']) if (!Object.keys(pkg[k]).length) delete pkg[k];
writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  `${dir}/tsconfig.json`,
  JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true }, include: ['src'] }, null, 2) + '\n',
);
writeFileSync(
  `${dir}/tsup.config.ts`,
  `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { paths: {} } },
  // No source maps: they would point at sources the tarball does not ship (and doubled its size).
  sourcemap: false,
  clean: true,
  target: 'node20',
  external: [/^@scopeladder\\//],
});
`,
);
copyFileSync('LICENSE', `${dir}/LICENSE`);
if (!existsSync(`${dir}/src/index.ts`)) writeFileSync(`${dir}/src/index.ts`, 'export {};\n');
