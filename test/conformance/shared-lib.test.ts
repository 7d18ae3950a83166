import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The framework-free helpers (header reading, guards, token requests, error translation) are
// copied into each adapter so each package stays self-contained; they must never drift apart.
const PACKAGES = ['express', 'fastify', 'koa'] as const;
const sharedDir = (name: string): string => fileURLToPath(new URL(`../../packages/${name}/src/lib/shared/`, import.meta.url));

const copies = new Map<string, Map<string, string>>();
for (const name of PACKAGES) {
  for (const file of readdirSync(sharedDir(name))) {
    if (!file.endsWith('.ts')) continue;
    const byPackage = copies.get(file) ?? new Map<string, string>();
    byPackage.set(name, readFileSync(sharedDir(name) + file, 'utf8'));
    copies.set(file, byPackage);
  }
}

describe('shared adapter helpers', () => {
  it('exist', () => {
    expect([...copies.keys()].sort()).toEqual(
      ['read-authorization.ts', 'read-body.ts', 'read-token-request.ts', 'run-guard.ts', 'to-scopeladder-error.ts'].sort(),
    );
  });

  it.each([...copies.entries()])('%s is byte-identical in every adapter that has it', (_file, byPackage) => {
    const [first, ...rest] = [...byPackage.values()];
    for (const text of rest) expect(text).toBe(first);
  });

  it('the guard, header and token-request helpers are in all three adapters', () => {
    for (const file of ['read-authorization.ts', 'read-token-request.ts', 'run-guard.ts', 'to-scopeladder-error.ts']) {
      expect([...(copies.get(file)?.keys() ?? [])].sort()).toEqual([...PACKAGES]);
    }
  });
});
