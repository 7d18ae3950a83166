// Copies each docs example into its markdown page: `pnpm tsx test/docs-examples/sync-docs.ts`.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderBodyTable } from '../support/body-cases.js';
import { DOC_EXAMPLES, ROOT, syncBlock } from './docs-blocks.js';

for (const { doc, example } of DOC_EXAMPLES) {
  syncBlock(doc, example);
  console.log(`${doc} ← ${example}`);
}

// The body table of docs/request-bodies.md, from the conformance suite's cases.
const BODY_DOC = 'docs/request-bodies.md';
const bodyDoc = readFileSync(ROOT + BODY_DOC, 'utf8');
const bodyTable = /(<!-- body-table:start -->\n)[\s\S]*?(<!-- body-table:end -->)/;
if (!bodyTable.test(bodyDoc)) throw new Error(`${BODY_DOC} has no body-table markers`);
writeFileSync(
  ROOT + BODY_DOC,
  bodyDoc.replace(bodyTable, (_all, open: string, close: string) => open + renderBodyTable() + close),
);
console.log(`${BODY_DOC} ← test/support/body-cases.ts`);
