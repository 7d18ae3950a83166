// Every link of the READMEs, CONTRIBUTING.md and the docs pages resolves: a relative link (or an
// absolute one into this repository on GitHub, as the package READMEs write them) names a file or
// folder that exists, and its #anchor a heading (GitHub's slug) or an `<a id>` of that page.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './docs-blocks.js';
import { markdownPages } from './ts-blocks.js';

const REPOSITORY = /^https:\/\/github\.com\/scopeladder\/scopeladder\/(?:blob|tree)\/main\/([^#]*)(#.*)?$/;

/** The page without its fenced code blocks (a `](x)` in code is not a link). */
const prose = (file: string): string => readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's heading slug: lower case, punctuation dropped, spaces to dashes. */
function slugOf(heading: string): string {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = prose(file);
  const seen = new Map<string, number>();
  const anchors = new Set(['readme']); // GitHub's own anchor of a folder's README
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.*)$/gm)) {
    const slug = slugOf(heading!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const [, id] of text.matchAll(/<a id="([^"]+)"><\/a>/g)) anchors.add(id!);
  return anchors;
}

/** The broken links of `page`, as `target: why`. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  for (const [, link] of prose(ROOT + page).matchAll(/\]\(([^)\s]+)\)/g)) {
    let target = link!;
    if (/^[a-z]+:/.test(target)) {
      const inRepository = REPOSITORY.exec(target);
      if (inRepository === null) continue; // another site: not checked here
      target = `/${inRepository[1]}${inRepository[2] ?? ''}`;
    }
    const [path = '', anchor] = target.split('#');
    let file = path === '' ? ROOT + page : path.startsWith('/') ? join(ROOT, path) : normalize(join(dirname(ROOT + page), path));
    if (!existsSync(file)) {
      broken.push(`${link}: no ${relative(ROOT, file)}`);
      continue;
    }
    if (statSync(file).isDirectory()) file = join(file, 'README.md');
    if (anchor !== undefined && file.endsWith('.md') && existsSync(file) && !anchorsOf(file).has(anchor)) {
      broken.push(`${link}: no heading #${anchor} in ${relative(ROOT, file)}`);
    }
  }
  return broken;
}

describe('every link of the READMEs and docs pages resolves', () => {
  const pages = [...markdownPages(), 'CONTRIBUTING.md'];

  it('slugs headings as GitHub does', () => {
    expect(slugOf('From a clone, until the packages are published')).toBe('from-a-clone-until-the-packages-are-published');
    expect(slugOf("3. Your identity provider's tokens: `createJwtVerifier`")).toBe('3-your-identity-providers-tokens-createjwtverifier');
  });

  it.each(pages)('%s', (page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it('finds a broken one', () => {
    expect(anchorsOf(`${ROOT}docs/adopt.md`).has('5-several-instances')).toBe(true);
    expect(anchorsOf(`${ROOT}docs/adopt.md`).has('6-several-instances')).toBe(false);
  });
});
