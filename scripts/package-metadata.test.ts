/**
 * What every published package carries besides its code (issue #14, item 6 and 8): the license,
 * where it comes from, README links that work on npm, a `typesVersions` fallback for each subpath,
 * no source maps. The packed tarballs themselves are checked by scripts/check-packed.mjs.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const REPOSITORY = 'https://github.com/scopeladder/scopeladder';
const PACKAGES = readdirSync(`${ROOT}packages`).filter((name) => existsSync(`${ROOT}packages/${name}/package.json`));

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  author?: string;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  keywords?: string[];
  exports: Record<string, unknown>;
  types?: string;
  typesVersions?: Record<string, Record<string, string[]>>;
  files?: string[];
}

function manifest(name: string): Manifest {
  return JSON.parse(readFileSync(`${ROOT}packages/${name}/package.json`, 'utf8')) as Manifest;
}

/** Every markdown link target in `text` (inline links only; the READMEs use no reference links). */
function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
}

describe('package metadata', () => {
  it('finds the nine packages', () => {
    expect(PACKAGES.sort()).toEqual(['core', 'express', 'fastify', 'koa', 'otel', 'postgres', 'redis', 'testing', 'tokens']);
  });

  it.each(PACKAGES)('%s: ships its CHANGELOG.md (users see what changed between releases)', (name) => {
    expect(existsSync(`${ROOT}packages/${name}/CHANGELOG.md`)).toBe(true);
    expect(manifest(name).files).toContain('CHANGELOG.md');
  });

  it('has an MIT LICENSE at the root, copied unchanged into every package', () => {
    const license = readFileSync(`${ROOT}LICENSE`, 'utf8');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 scopeladder contributors\n/);
    for (const name of PACKAGES) {
      expect(readFileSync(`${ROOT}packages/${name}/LICENSE`, 'utf8'), `packages/${name}/LICENSE`).toBe(license);
    }
  });

  it.each(PACKAGES)('%s: license, author, repository with directory, homepage, bugs, keywords', (name) => {
    const pkg = manifest(name);
    expect(pkg.name).toBe(`@scopeladder/${name}`);
    expect(pkg.private).toBeUndefined();
    expect(pkg.license).toBe('MIT');
    expect(pkg.author).toBe('scopeladder contributors');
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${name}` });
    expect(pkg.homepage).toBe(`${REPOSITORY}/tree/main/packages/${name}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPOSITORY}/issues` });
    expect(pkg.keywords?.length).toBeGreaterThanOrEqual(3);
  });

  it.each(PACKAGES)('%s: a typesVersions entry (node10 resolution) for every subpath export, and nothing else', (name) => {
    const pkg = manifest(name);
    const subpaths = Object.keys(pkg.exports).filter((key) => key !== '.' && key !== './package.json');
    if (subpaths.length === 0) {
      expect(pkg.typesVersions).toBeUndefined();
      return;
    }
    const expected: Record<string, string[]> = {};
    for (const subpath of subpaths) {
      const entry = pkg.exports[subpath] as { require: { types: string } };
      expected[subpath.slice(2)] = [entry.require.types];
    }
    expect(pkg.typesVersions).toEqual({ '*': expected });
  });

  it.each(PACKAGES)('%s: builds without source maps (they would point at sources the tarball does not ship)', (name) => {
    const config = readFileSync(`${ROOT}packages/${name}/tsup.config.ts`, 'utf8');
    expect(config).toMatch(/^\s*sourcemap: false,$/m);
  });

  it.each(PACKAGES)('%s: README links are absolute (relative ones break on npm) and point at files that exist', (name) => {
    const readme = readFileSync(`${ROOT}packages/${name}/README.md`, 'utf8');
    for (const target of linkTargets(readme)) {
      if (target.startsWith('#')) continue;
      expect(target, `packages/${name}/README.md links to ${target}`).toMatch(/^https?:\/\//);
      const inRepository = new RegExp(`^${REPOSITORY}/(?:blob|tree)/main/([^#]+)`).exec(target);
      if (inRepository) {
        expect(existsSync(ROOT + (inRepository[1] as string)), `${target} names a path of this repository`).toBe(true);
      }
    }
  });
});
