// Until the packages are on npm, every `pnpm add @scopeladder/…` line of the READMEs and docs pages
// is followed by the same install from a clone: `npm install` of the tarballs that the commands of
// docs/getting-started.md ("From a clone, until the packages are published") build and pack — and
// `pnpm check:packed` runs those commands as written (scripts/check-packed.mjs).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from './docs-blocks.js';
import { markdownPages } from './ts-blocks.js';

const FROM_A_CLONE = 'getting-started.md#from-a-clone-until-the-packages-are-published';

/** Each package's `@scopeladder/*` peers that are not optional: npm installs peers, so their tarballs must be given too. */
const requiredPeers = new Map(
  readdirSync(`${ROOT}packages`).map((name) => {
    const manifest = JSON.parse(readFileSync(`${ROOT}packages/${name}/package.json`, 'utf8')) as {
      peerDependencies?: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    const peers = Object.keys(manifest.peerDependencies ?? {}).filter(
      (peer) => peer.startsWith('@scopeladder/') && manifest.peerDependenciesMeta?.[peer]?.optional !== true,
    );
    return [name, peers.map((peer) => peer.slice('@scopeladder/'.length))] as const;
  }),
);

/** `names` and, transitively, their required `@scopeladder/*` peers. */
function withPeers(names: readonly string[]): string[] {
  const all = [...names];
  for (let index = 0; index < all.length; index++) for (const peer of requiredPeers.get(all[index]!) ?? []) if (!all.includes(peer)) all.push(peer);
  return all;
}

interface InstallLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  /** The lines after it, up to the next heading. */
  readonly after: readonly string[];
}

function pnpmAddLines(): InstallLine[] {
  return markdownPages().flatMap((file) => {
    const lines = readFileSync(ROOT + file, 'utf8').split('\n');
    return lines.flatMap((text, index) => {
      if (!/^pnpm add .*@scopeladder\//.test(text)) return [];
      const next = lines.slice(index + 1).findIndex((line) => line.startsWith('#'));
      return [{ file, line: index + 1, text, after: lines.slice(index + 1, next === -1 ? undefined : index + 1 + next) }];
    });
  });
}

/** What `pnpm add <args>` becomes from a clone: the same flags and other packages, the tarballs of ours with their peers. */
function fromAClone(pnpmAdd: string): string {
  const args = pnpmAdd.replace(/#.*$/, '').trim().split(/\s+/).slice(2);
  const ours = args.filter((arg) => arg.startsWith('@scopeladder/')).map((arg) => arg.slice('@scopeladder/'.length));
  return [
    'npm install',
    ...args.filter((arg) => arg.startsWith('-')),
    ...withPeers(ours).map((name) => `"$SCOPELADDER_PACKS"/scopeladder-${name}-*.tgz`),
    ...args.filter((arg) => !arg.startsWith('-') && !arg.startsWith('@scopeladder/')),
  ].join(' ');
}

describe('every pnpm add @scopeladder/… line says how to install from a clone', () => {
  const lines = pnpmAddLines();

  it('finds the install lines', () => {
    expect(lines.length).toBeGreaterThanOrEqual(12);
  });

  it.each(lines.map((line) => ({ name: `${line.file}:${line.line}`, line })))('$name', ({ line }) => {
    const expected = fromAClone(line.text);
    const after = line.after.join('\n');
    expect(after, `after "${line.text}": the install from a clone, ${expected}`).toContain(expected);
    expect(after, 'a link to the commands that build and pack the tarballs').toContain(FROM_A_CLONE.split('#')[1]);
  });

  it('the pages link to the section that exists', () => {
    const page = readFileSync(`${ROOT}docs/getting-started.md`, 'utf8');
    expect(page).toContain('### From a clone, until the packages are published\n');
    expect(page).toContain('<!-- check-packed: install from a clone -->\n```sh\n');
    expect(page).toContain('<!-- check-packed: tsconfig -->\n```json\n');
  });

  it('derives the peers from the manifests (an adapter brings core and tokens)', () => {
    expect(fromAClone('pnpm add @scopeladder/koa koa')).toBe(
      'npm install "$SCOPELADDER_PACKS"/scopeladder-koa-*.tgz "$SCOPELADDER_PACKS"/scopeladder-core-*.tgz "$SCOPELADDER_PACKS"/scopeladder-tokens-*.tgz koa',
    );
  });
});
