// Copies each docs example into its markdown page: `pnpm tsx test/docs-examples/sync-docs.ts`.
import { DOC_EXAMPLES, syncBlock } from './docs-blocks.js';

for (const { doc, example } of DOC_EXAMPLES) {
  syncBlock(doc, example);
  console.log(`${doc} ← ${example}`);
}
