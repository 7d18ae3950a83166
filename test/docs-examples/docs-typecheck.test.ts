// Every ```ts block of every README and docs page compiles under `strict` (the repository's
// compiler options: strict, noUncheckedIndexedAccess, NodeNext) against the workspace sources,
// each block as its own ES module. How a block is marked as partial (preludes) or skipped:
// see ts-blocks.ts.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './docs-blocks.js';
import { markdownPages, preludeOf, tsBlocksOf, typecheckBlocks, type TsBlock } from './ts-blocks.js';

const blocks = markdownPages().flatMap(tsBlocksOf);
const compiled = blocks.filter((block) => block.check.kind === 'compile');

describe('every TypeScript block of the READMEs and docs pages compiles (strict)', () => {
  let diagnostics: Map<TsBlock, string[]>;

  beforeAll(() => {
    diagnostics = typecheckBlocks(compiled);
  }, 300_000);

  it('finds the blocks and understands every marker', () => {
    expect(compiled.length).toBeGreaterThan(30);
    for (const block of blocks) {
      if (block.check.kind === 'example') expect(existsSync(ROOT + block.check.path), `${block.file}:${block.line}`).toBe(true);
      if (block.check.kind === 'compile') for (const name of block.check.preludes) expect(() => preludeOf(name)).not.toThrow();
    }
  });

  it('skips rarely, and always says why', () => {
    const skipped = blocks.filter((block) => block.check.kind === 'skip');
    expect(skipped.length).toBeLessThanOrEqual(3);
  });

  it.each(compiled.map((block) => ({ name: `${block.file}:${block.line}`, block })))('$name', ({ block }) => {
    expect(diagnostics.get(block)).toEqual([]);
  });
});
