// ESLint (flat config) for the whole repository: `pnpm lint` runs it, and so does CI.
// A modest rule set: ESLint's and typescript-eslint's `recommended` (no type-aware rules, so a
// run takes seconds), plus the one rule of our own layering: a package imports another package
// only through that package's public entry points (see CONTRIBUTING.md, "Layout").
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Every entry point the packages publish (their package.json `exports`, less `./package.json`). */
export const PUBLIC_ENTRY_POINTS = [
  '@scopeladder/core',
  '@scopeladder/tokens',
  '@scopeladder/tokens/http',
  '@scopeladder/tokens/diagnostics',
  '@scopeladder/express',
  '@scopeladder/fastify',
  '@scopeladder/koa',
  '@scopeladder/redis',
  '@scopeladder/postgres',
  '@scopeladder/otel',
  '@scopeladder/testing',
  '@scopeladder/testing/store-contract',
];

const PACKAGES = ['core', 'tokens', 'express', 'fastify', 'koa', 'redis', 'postgres', 'otel', 'testing'];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `@scopeladder/…` that is not a published entry point: `@scopeladder/core/src/…`, `@scopeladder/tokens/dist/…`. */
const DEEP_PACKAGE_PATH = `^@scopeladder\\/(?!(?:${PUBLIC_ENTRY_POINTS.map((entry) => escape(entry.slice('@scopeladder/'.length))).join('|')})$)`;
/** A relative path into another package's folder or any `src/` folder: `../../core/src/index.js`. */
const RELATIVE_PACKAGE_PATH = `^(?:\\.\\.\\/)+(?:packages\\/)?(?:${PACKAGES.join('|')})(?:\\/|$)|^\\.{1,2}\\/(?:.*\\/)?src(?:\\/|$)`;

const MESSAGE =
  'Import other scopeladder packages only through their public entry points (@scopeladder/core, @scopeladder/tokens, @scopeladder/tokens/http, …): ' +
  'internals are not part of the contract, and the packages are published and installed separately.';

const importRestrictions = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        { regex: DEEP_PACKAGE_PATH, message: MESSAGE },
        { regex: RELATIVE_PACKAGE_PATH, message: MESSAGE },
      ],
    },
  ],
  // `no-restricted-imports` sees `import`/`export … from`; these are the other two ways in.
  'no-restricted-syntax': [
    'error',
    { selector: `ImportExpression > Literal[value=/${DEEP_PACKAGE_PATH}|${RELATIVE_PACKAGE_PATH}/]`, message: MESSAGE },
    { selector: `TSImportType Literal[value=/${DEEP_PACKAGE_PATH}|${RELATIVE_PACKAGE_PATH}/]`, message: MESSAGE },
  ],
};

export default defineConfig(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', 'reports/**', '.stryker-tmp/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
    },
    rules: {
      // `_`-prefixed names are deliberately unused (`(_name, make) => …`, rest siblings that drop a field).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Boxed primitives only where a test feeds one on purpose (with a disable comment saying so).
      'no-new-wrappers': 'error',
    },
  },
  {
    // CommonJS consumers (scripts/check-packed) and `import x = require(…)` in declaration files.
    files: ['**/*.cjs', '**/*.cts', '**/*.d.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // Ambient declarations (`declare const app: …`) that the docs' code blocks are typechecked against.
    files: ['test/docs-examples/preludes/**'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
  {
    // The libraries: each imports the others only through their public entry points.
    files: ['packages/*/src/**/*.ts'],
    rules: importRestrictions,
  },
);
