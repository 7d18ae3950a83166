// Tests for mutants of lib/throttle.ts that survived the tokens tests (issue "Test strength").
// Each fails with its mutant applied. See docs/testing.md, "tokens".
import { describe, expect, it } from 'vitest';
import { expectCode, setup } from './test-fixtures.js';

const source = '203.0.113.7';

describe('login throttling', () => {
  it('an email is counted case-folded to lower case: "STRASSE" is not "straße"', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 2 } });
    for (let i = 0; i < 2; i++) {
      await expectCode(auth.login({ email: 'STRASSE@example.com', password: 'wrong password' }, { source }), 'ERR_INVALID_CREDENTIALS');
    }
    // Same email, another case: the same counter (over its limit).
    await expectCode(auth.login({ email: 'strasse@example.com', password: 'wrong password' }, { source }), 'ERR_LOGIN_THROTTLED');
    // Upper-casing would fold "ß" into "SS"; lower-casing keeps it apart: not throttled.
    await expectCode(auth.login({ email: 'straße@example.com', password: 'wrong password' }, { source }), 'ERR_INVALID_CREDENTIALS');
  });

  it('a refusal says so, with when to retry', async () => {
    const { auth } = await setup({ throttle: { maxFailuresPerEmailAndSource: 1, window: '1m' } });
    await expectCode(auth.login({ email: 'agent@example.com', password: 'wrong password' }, { source }), 'ERR_INVALID_CREDENTIALS');
    const error = await expectCode(auth.login({ email: 'agent@example.com', password: 'wrong password' }, { source }), 'ERR_LOGIN_THROTTLED');
    expect(error.message).toBe('Too many failed login attempts; try again later');
    expect((error as { retryAfter?: number }).retryAfter).toBe(60);
  });
});
