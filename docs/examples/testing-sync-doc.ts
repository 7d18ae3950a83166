// Copies the example files into docs/testing-your-policy.md: `pnpm tsx docs/examples/testing-sync-doc.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The testing page. */
export const TESTING_DOC = 'docs/testing-your-policy.md';

/** The files the page includes verbatim, each after a marker `<!-- example: path -->`. */
export const TESTING_EXAMPLES = [
  'docs/examples/testing-notes-policy.ts',
  'docs/examples/testing-your-policy.test.ts',
  'docs/examples/testing-notes-policy.decisions.md',
  'docs/examples/testing-without-a-runner.ts',
] as const;

const blockPattern = (example: string): RegExp =>
  new RegExp(`(<!-- example: ${example.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} -->\\n\`\`\`[a-z]*\\n)([\\s\\S]*?)(\`\`\`\\n)`);

/** The code the page shows for `example`, or `null` when it has no block for it. */
export function includedBlock(example: string): string | null {
  return blockPattern(example).exec(readFileSync(ROOT + TESTING_DOC, 'utf8'))?.[2] ?? null;
}

/** Rewrites every included block with its file's current content. */
export function syncTestingDoc(): void {
  let text = readFileSync(ROOT + TESTING_DOC, 'utf8');
  for (const example of TESTING_EXAMPLES) {
    if (!blockPattern(example).test(text)) throw new Error(`${TESTING_DOC} has no block for ${example}`);
    const code = readFileSync(ROOT + example, 'utf8');
    text = text.replace(blockPattern(example), (_all, open: string, _old: string, close: string) => open + code + close);
  }
  writeFileSync(ROOT + TESTING_DOC, text);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  syncTestingDoc();
  console.log(`${TESTING_DOC} ← ${TESTING_EXAMPLES.join(', ')}`);
}
