#!/usr/bin/env node
// `node stryker/print-survivors.mjs [reports/mutation/core.json …]`: each file's score and counts,
// then every surviving and uncovered mutant as file:line:column, the mutator, the original line and
// the replacement: the list to work through after `pnpm mutate`.
// `--rows <commit>` prints instead one docs/testing.md score row per file (adjusted column left blank).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const rowsAt = args.indexOf('--rows');
const commit = rowsAt === -1 ? undefined : args.splice(rowsAt, 2)[1];
const reports = args.length > 0 ? args : ['reports/mutation/core.json', 'reports/mutation/tokens.json'];
const today = new Date().toISOString().slice(0, 10);
for (const path of reports) {
  const report = JSON.parse(readFileSync(path, 'utf8'));
  for (const [file, { mutants, source }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    const counts = {};
    for (const mutant of mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
    const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
    const valid = detected + (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
    const score = valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)} %`;
    if (commit !== undefined) {
      const cells = [valid, counts.Killed ?? 0, counts.Timeout ?? 0, counts.Survived ?? 0, counts.NoCoverage ?? 0];
      console.log(`| \`${file}\` | ${today} | \`${commit}\` | ${cells.join(' | ')} | ${score} | |`);
      continue;
    }
    console.log(`\n${file}: ${score} ${JSON.stringify(counts)}`);
    const open = mutants.filter((mutant) => mutant.status === 'Survived' || mutant.status === 'NoCoverage');
    open.sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    for (const { status, location, mutatorName, replacement } of open) {
      const { line, column } = location.start;
      const original = (lines[line - 1] ?? '').trim().slice(0, 110);
      console.log(`  ${status === 'NoCoverage' ? 'no coverage' : 'survived'} ${file}:${line}:${column} [${mutatorName}] ${original}`);
      // The mutated range itself (often part of the line): what the replacement replaces.
      const { end } = location;
      const range = lines
        .slice(line - 1, end.line)
        .map((text, index, all) => text.slice(index === 0 ? column - 1 : 0, index === all.length - 1 ? end.column - 1 : undefined))
        .join(' ');
      const flat = (text) =>
        String(text ?? '')
          .replace(/\s+/g, ' ')
          .slice(0, 140);
      console.log(`    ${flat(range)}\n    -> ${flat(replacement)}`);
    }
  }
}
