import { describe, expect, it } from 'vitest';
import { hashPassword } from './hash-password.js';
import { verifyPassword } from './verify-password.js';

const FAST = { N: 1024 } as const;
const FORMAT = /^scrypt\$v=1\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

describe('hashPassword / verifyPassword', () => {
  it('writes the documented, versioned format with a fresh salt each time', async () => {
    const a = await hashPassword('hunter2-hunter2', FAST);
    const b = await hashPassword('hunter2-hunter2', FAST);
    expect(a).toMatch(FORMAT);
    expect(FORMAT.exec(a)?.slice(1, 4)).toEqual(['1024', '8', '1']);
    expect(a).not.toBe(b);
  });

  it('uses N=2^15, r=8, p=1 by default', async () => {
    expect(FORMAT.exec(await hashPassword('default cost'))?.slice(1, 4)).toEqual(['32768', '8', '1']);
  });

  it('verifies the right password and refuses others', async () => {
    const hash = await hashPassword('correct horse', { N: 2048, r: 4, p: 2 });
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'correct horsE')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
    expect(await verifyPassword(hash, 'x'.repeat(2000))).toBe(false);
    expect(await verifyPassword(hash, 42 as unknown as string)).toBe(false);
  });

  it('normalises Unicode (NFC) so composed and decomposed input match', async () => {
    const hash = await hashPassword('caf\u00e9-password', FAST);
    expect(await verifyPassword(hash, 'cafe\u0301-password')).toBe(true);
  });

  it('throws TypeError on a malformed hash or one whose cost is out of bounds (no DoS by stored hash)', async () => {
    const good = await hashPassword('pw-pw-pw', FAST);
    const bad = [
      '',
      'plaintext',
      good.replace('v=1', 'v=2'),
      good.replace('N=1024', 'N=1000'),
      good.replace('N=1024', 'N=4194304'),
      good.replace('N=1024', 'N=512'),
      good.replace('r=8', 'r=64'),
      good.replace('p=1', 'p=99'),
      good.replace(/\$[^$]+$/, '$short'),
      `${good}=`,
      '$2b$10$abcdefghijklmnopqrstuv',
    ];
    for (const hash of bad) await expect(verifyPassword(hash, 'pw-pw-pw')).rejects.toThrow(TypeError);
    await expect(verifyPassword(undefined as unknown as string, 'pw')).rejects.toThrow(TypeError);
  });

  it('throws TypeError on an empty password or bad parameters', async () => {
    await expect(hashPassword('')).rejects.toThrow(TypeError);
    await expect(hashPassword('x'.repeat(1025))).rejects.toThrow(TypeError);
    await expect(hashPassword('pw', { N: 1000 })).rejects.toThrow(/power of two/);
    await expect(hashPassword('pw', { N: 2 ** 21 })).rejects.toThrow(TypeError);
    await expect(hashPassword('pw', { r: 0 })).rejects.toThrow(TypeError);
    await expect(hashPassword('pw', { p: 17 })).rejects.toThrow(TypeError);
  });
});
