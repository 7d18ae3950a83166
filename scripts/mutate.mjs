#!/usr/bin/env node
// `pnpm mutate [package …]`: StrykerJS on the security-critical files of each package (default:
// all that have a stryker/<package>.config.mjs), one package after another. Extra Stryker flags
// after `--` are passed on, e.g. `pnpm mutate core -- --mutate packages/core/src/http-error.ts`.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const split = args.indexOf('--');
const names = split === -1 ? args : args.slice(0, split);
const extra = split === -1 ? [] : args.slice(split + 1);
const available = readdirSync(new URL('../stryker/', import.meta.url))
  .filter((file) => file.endsWith('.config.mjs') && file !== 'base.config.mjs')
  .map((file) => file.slice(0, -'.config.mjs'.length));
for (const name of names) {
  if (!available.includes(name)) {
    console.error(`no stryker/${name}.config.mjs; packages with a config: ${available.join(', ')}`);
    process.exit(2);
  }
}
const stryker = fileURLToPath(new URL('../node_modules/@stryker-mutator/core/bin/stryker.js', import.meta.url));
let failed = false;
for (const name of names.length > 0 ? names : available) {
  console.log(`\n=== mutation testing: ${name} ===`);
  const result = spawnSync(process.execPath, [stryker, 'run', `stryker/${name}.config.mjs`, ...extra], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
