// The environment variables the server reads (src/config.ts) are the ones its configuration tables
// list: this README's and the repository README's. A variable added to config.ts and to no table
// fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { PACKAGE_DIR } from './server-process.js';

const CONFIG_SOURCE = readFileSync(join(PACKAGE_DIR, 'src/config.ts'), 'utf8');

/** Every `env['NAME']` of config.ts, and the names of its table of throttling variables. */
function variablesRead(): string[] {
  const direct = [...CONFIG_SOURCE.matchAll(/env\['([A-Z][A-Z0-9_]*)'\]/g)].map((match) => match[1]!);
  const throttle = /const THROTTLE_VARIABLES = \{([\s\S]*?)\}/.exec(CONFIG_SOURCE)?.[1] ?? '';
  const tabled = [...throttle.matchAll(/^\s*([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!);
  return [...new Set([...direct, ...tabled])].sort();
}

/** The backticked names in the first column of the markdown table under `heading` in `file`. */
function tabledVariables(file: string, heading: string): string[] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(heading);
  if (start === -1) throw new Error(`${file}: no "${heading}"`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('| variable'));
  const rows = [];
  for (let index = first + 2; index < lines.length && lines[index]!.startsWith('|'); index++) rows.push(lines[index]!);
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!)).sort();
}

const README = join(PACKAGE_DIR, 'README.md');
const ROOT_README = join(PACKAGE_DIR, '../../README.md');

describe('the configuration tables list every variable the server reads', () => {
  const read = variablesRead();

  it('finds the variables config.ts reads, throttling ones included', () => {
    expect(read).toContain('TRUST_PROXY');
    expect(read).toContain('LOGIN_MAX_FAILURES_PER_EMAIL_AND_SOURCE');
    expect(read.length).toBeGreaterThanOrEqual(19);
  });

  it('the variables found are the ones parseConfig acts on (each invalid value is refused by name)', () => {
    const bad = Object.fromEntries(read.map((name) => [name, '\u0000 not valid \u0000']));
    let problems: readonly string[] = [];
    try {
      parseConfig(bad);
    } catch (error) {
      problems = (error as { problems?: readonly string[] }).problems ?? [];
    }
    // ADMIN_PASSWORD and JWT_SECRET take any long enough text; HOST any name without spaces.
    for (const name of read.filter((name) => !['ADMIN_PASSWORD', 'JWT_SECRET', 'JWT_PRIVATE_KEY'].includes(name))) {
      expect(problems.join('\n'), name).toContain(name);
    }
  });

  it.each([
    { file: README, heading: '### Configuration' },
    { file: ROOT_README, heading: 'The reference server reads these environment variables' },
  ])('$heading', ({ file, heading }) => {
    expect(tabledVariables(file, heading)).toEqual(read);
  });
});
