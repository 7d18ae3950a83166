import { createRequire } from 'node:module';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';

// The Redis tests run twice (vitest.config.ts): on ioredis 5 (project `scopeladder`) and on
// ioredis 6 (project `ioredis6`, where `ioredis` is aliased to the `ioredis6` install). This
// proves each run has the major it claims, so the second run cannot quietly test 5 again.
const require = createRequire(import.meta.url);

describe('the ioredis major under test', () => {
  it('is the one the vitest project names', () => {
    const expected = process.env['SCOPELADDER_IOREDIS_MAJOR'];
    expect(['5', '6']).toContain(expected);
    const name = expected === '6' ? 'ioredis6' : 'ioredis';
    const { version } = require(`${name}/package.json`) as { version: string };
    expect(version.split('.')[0]).toBe(expected);
    expect(Redis).toBe((require(name) as { Redis: unknown }).Redis);
  });
});
