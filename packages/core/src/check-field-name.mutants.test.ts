// Tests for mutants of check-field-name.ts that survived the core tests (issue "Test strength"):
// its misuse errors, word for word. Each fails with its mutant applied. See docs/testing.md.
import { describe, expect, it } from 'vitest';
import { checkFieldName } from './index.js';

describe('checkFieldName refuses misuse with a TypeError saying what is wrong', () => {
  it('a name that is not a string', () => {
    for (const name of [5, null, undefined, ['role']]) {
      expect(() => checkFieldName(name as never, ['role'])).toThrow(new TypeError('checkFieldName: name must be a string'));
    }
  });

  it('protected fields that are not an array of strings', () => {
    const message = new TypeError('checkFieldName: protectedFields must be an array of strings');
    for (const protectedFields of ['role', { 0: 'role', length: 1 }, ['role', 5], [null], Object.freeze(['role', 5])]) {
      expect(() => checkFieldName('name', protectedFields as never)).toThrow(message);
    }
    expect(checkFieldName('r\u043Ele', ['role'])).toEqual({ reason: 'confusable', protectedField: 'role' });
  });
});

describe('checkFieldName with dotted protected names, and which protected name a look-alike names', () => {
  it('a sub-path of a dotted protected name has no name problem, even when its first segment looks like another', () => {
    expect(checkFieldName('a.b.c', ['a.b', 'A'])).toBeNull();
    expect(checkFieldName('a.x', ['a.b', 'A'])).toEqual({ reason: 'confusable', protectedField: 'A' });
  });

  it('a look-alike of two protected names names the first declared', () => {
    expect(checkFieldName('r\u043Ele', ['role', 'Role'])).toEqual({ reason: 'confusable', protectedField: 'role' });
    expect(checkFieldName('r\u043Ele', ['Role', 'role'])).toEqual({ reason: 'confusable', protectedField: 'Role' });
  });
});

describe('checkFieldName with a protected name that is not plain ASCII (field-name-skeleton.ts)', () => {
  it('the protected name is reduced to its skeleton too: a plain name it looks like is a look-alike', () => {
    // Greek capital Eta (a look-alike of H), fullwidth letters (NFKC), a zero-width space.
    expect(checkFieldName('host', ['\u0397ost'])).toEqual({ reason: 'confusable', protectedField: '\u0397ost' });
    expect(checkFieldName('role', ['\uFF52\uFF4F\uFF4C\uFF45'])).toEqual({ reason: 'confusable', protectedField: '\uFF52\uFF4F\uFF4C\uFF45' });
    expect(checkFieldName('Owner.id', ['own\u200Ber'])).toEqual({ reason: 'confusable', protectedField: 'own\u200Ber' });
  });
});
