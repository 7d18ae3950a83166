/**
 * The repository's ESLint setup (eslint.config.mjs, run by `pnpm lint`): the packages import each
 * other only through their public entry points (issue #14, "Contributor habits"). Each case lints
 * a small source text as if it were a file of the package named, with the repository's real config.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The rules that fire on `code` placed at `filePath` (relative to the repository root). */
async function firedRules(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return (result?.messages ?? []).map((message) => message.ruleId ?? `fatal: ${message.message}`);
}

const restricted = (rules: readonly string[]): boolean => rules.includes('no-restricted-imports') || rules.includes('no-restricted-syntax');

const RESTRICTED_PACKAGES = ['express', 'fastify', 'koa', 'redis'] as const;

describe('adapters and @scopeladder/redis import core and tokens only through their public entry points', () => {
  const deepImports = [
    `import { decide } from '../../core/src/lib/decide.js';\nexport { decide };\n`,
    `import { definePolicy } from '../../core/src/index.js';\nexport { definePolicy };\n`,
    `import type { TokenStore } from '../../tokens/src/store.js';\nexport type { TokenStore };\n`,
    `export { createAuthService } from '../../tokens/src/index.js';\n`,
    `export * from '../../../packages/tokens/src/http/index.js';\n`,
    `import { definePolicy } from '@scopeladder/core/src/index.js';\nexport { definePolicy };\n`,
    `import { decide } from '@scopeladder/core/src/lib/decide.js';\nexport { decide };\n`,
    `import { createAuthService } from '@scopeladder/tokens/dist/index.js';\nexport { createAuthService };\n`,
    `import { handleTokenRequest } from '@scopeladder/tokens/http/handle-token-request';\nexport { handleTokenRequest };\n`,
    `export const load = () => import('../../core/src/index.js');\n`,
    `export const load = () => import('@scopeladder/tokens/src/index.js');\n`,
    `export type Tokens = typeof import('../../tokens/src/index.js');\n`,
    `export type Core = typeof import('@scopeladder/core/src/index.js');\n`,
  ];

  for (const pkg of RESTRICTED_PACKAGES) {
    it.each(deepImports)(`packages/${pkg}/src: a deep import is an error: %s`, async (code) => {
      expect(restricted(await firedRules(code, `packages/${pkg}/src/bad-import.ts`))).toBe(true);
    });
  }

  it('also from a nested folder (src/lib/)', async () => {
    const code = `import { decide } from '../../../core/src/lib/decide.js';\nexport { decide };\n`;
    expect(restricted(await firedRules(code, 'packages/express/src/lib/bad-import.ts'))).toBe(true);
  });

  const allowed = [
    `import { definePolicy, type Policy } from '@scopeladder/core';\nexport { definePolicy };\nexport type { Policy };\n`,
    `import { createAuthService } from '@scopeladder/tokens';\nexport { createAuthService };\n`,
    `import { handleTokenRequest } from '@scopeladder/tokens/http';\nexport { handleTokenRequest };\n`,
    `import { helper } from './lib/helper.js';\nexport { helper };\n`,
    `import express from 'express';\nexport { express };\n`,
    `export const load = () => import('@scopeladder/core');\n`,
    `export type Tokens = typeof import('@scopeladder/tokens/http');\n`,
  ];

  for (const pkg of RESTRICTED_PACKAGES) {
    it.each(allowed)(`packages/${pkg}/src: a public entry point or an own file is fine: %s`, async (code) => {
      expect(await firedRules(code, `packages/${pkg}/src/good-import.ts`)).toEqual([]);
    });
  }

  it('a nested own file one level up is fine (../lib/…)', async () => {
    const code = `import { helper } from '../lib/helper.js';\nexport { helper };\n`;
    expect(await firedRules(code, 'packages/koa/src/lib/good-import.ts')).toEqual([]);
  });

  it('any @scopeladder path below a package that is not a published entry point is an error', async () => {
    const segment = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('core', 'tokens', 'express', 'fastify', 'koa', 'redis', 'testing'),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...RESTRICTED_PACKAGES),
        async (pkg, path, from) => {
          const specifier = `@scopeladder/${pkg}/${path.join('/')}`;
          fc.pre(!PUBLISHED.has(specifier));
          const code = `import * as other from '${specifier}';\nexport { other };\n`;
          expect(restricted(await firedRules(code, `packages/${from}/src/bad-import.ts`))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** Every entry point the packages publish, from their package.json `exports`. */
const PUBLISHED = new Set(
  readdirSync(`${ROOT}packages`)
    .filter((name) => existsSync(`${ROOT}packages/${name}/package.json`))
    .flatMap((name) => {
      const manifest = JSON.parse(readFileSync(`${ROOT}packages/${name}/package.json`, 'utf8')) as { name: string; exports: Record<string, unknown> };
      return Object.keys(manifest.exports)
        .filter((subpath) => subpath !== './package.json')
        .map((subpath) => (subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
    }),
);

describe('eslint.config.mjs', () => {
  it("allows exactly the packages' published entry points (a new export must be added there)", async () => {
    const config = (await import(pathToFileURL(`${ROOT}eslint.config.mjs`).href)) as { PUBLIC_ENTRY_POINTS: readonly string[] };
    expect([...config.PUBLIC_ENTRY_POINTS].sort()).toEqual([...PUBLISHED].sort());
  });

  it('passes on the adapters and @scopeladder/redis as they are', async () => {
    const results = await eslint.lintFiles(RESTRICTED_PACKAGES.map((pkg) => `packages/${pkg}/src/**/*.ts`));
    expect(results.length).toBeGreaterThan(20);
    expect(results.flatMap((result) => result.messages.map((message) => `${result.filePath}:${message.line} ${message.ruleId}`))).toEqual([]);
  });
});
