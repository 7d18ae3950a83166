#!/usr/bin/env node
// Prints the ChatShipper decision table, computed by @scopeladder/core from its policy data.
// Runs against the TypeScript sources through tsx, so it works right after `pnpm install`
// (no build needed):
//   pnpm matrix                          aligned text
//   pnpm matrix --format=markdown       a markdown table (docs/matrix.md is generated separately)
//   pnpm matrix --format=json           policy.decisionTable() as JSON
import { tsImport } from 'tsx/esm/api';

const { chatshipperPolicy, renderDecisionTable } = await tsImport('../packages/core/src/index.ts', import.meta.url);

const formatArg = process.argv.slice(2).find((arg) => arg.startsWith('--format='));
const format = formatArg ? formatArg.slice('--format='.length) : 'text';

if (format === 'json') {
  process.stdout.write(`${JSON.stringify(chatshipperPolicy.decisionTable(), null, 2)}\n`);
} else if (format === 'text' || format === 'markdown') {
  const scopes = chatshipperPolicy.ladder.scopes.join(' < ');
  const protectedFields = chatshipperPolicy.protectedFields('update', 'User').join(', ');
  if (format === 'text') {
    process.stdout.write(`ChatShipper decision table (scopes cascade: ${scopes}; + allowed, - denied; record "own" = the user's own record)\n\n`);
  }
  process.stdout.write(renderDecisionTable(chatshipperPolicy, { format }));
  if (format === 'text') {
    process.stdout.write(`\nOn their own User record, non-admins may not change: ${protectedFields}\n`);
  }
} else {
  process.stderr.write(`unknown --format "${format}" (expected text, markdown or json)\n`);
  process.exit(2);
}
