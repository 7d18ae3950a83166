import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Each framework page and the example file it includes verbatim. */
export const DOC_EXAMPLES = [
  { doc: 'docs/express.md', example: 'test/docs-examples/express.ts' },
  { doc: 'docs/fastify.md', example: 'test/docs-examples/fastify.ts' },
  { doc: 'docs/koa.md', example: 'test/docs-examples/koa.ts' },
  { doc: 'docs/observability.md', example: 'test/docs-examples/observability.ts' },
] as const;

/** The marker line before an included block: `<!-- example: test/docs-examples/express.ts -->`. */
const blockPattern = (example: string): RegExp =>
  new RegExp(`(<!-- example: ${example.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -->\\n\`\`\`ts\\n)([\\s\\S]*?)(\`\`\`\\n)`);

/** The code of the block that includes `example` in the markdown `doc`, or `null` when there is none. */
export function includedBlock(doc: string, example: string): string | null {
  return blockPattern(example).exec(readFileSync(ROOT + doc, 'utf8'))?.[2] ?? null;
}

/** Rewrites the block of `example` in `doc` with the file's current content. */
export function syncBlock(doc: string, example: string): void {
  const text = readFileSync(ROOT + doc, 'utf8');
  const code = readFileSync(ROOT + example, 'utf8');
  if (!blockPattern(example).test(text)) throw new Error(`${doc} has no block for ${example}`);
  writeFileSync(
    ROOT + doc,
    text.replace(blockPattern(example), (_all, open: string, _old: string, close: string) => open + code + close),
  );
}
