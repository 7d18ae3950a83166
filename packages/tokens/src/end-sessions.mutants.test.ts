// Tests for mutants of operations/end-sessions-of-user.ts (issue "Test strength"): its argument
// checks at their exact boundaries, word for word, and what it does with a store's odd answer.
// Each fails with its mutant applied. See docs/testing.md, "tokens".
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './create-memory-store.js';
import type { TokenStore } from './store.js';
import { IDS, PASSWORD, expectCode, setup } from './test-fixtures.js';

describe('endSessionsOfUser', () => {
  it('a user id of 1 to 256 characters; anything else is refused, saying so', async () => {
    const { auth } = await setup();
    expect(await auth.endSessionsOfUser('u'.repeat(256))).toBe(0);
    expect(await auth.endSessionsOfUser('u')).toBe(0);
    for (const userId of ['', 'u'.repeat(257), 5, null, undefined]) {
      const error = await expectCode(auth.endSessionsOfUser(userId as never), 'ERR_INVALID_REQUEST');
      expect(error.message, String(userId)).toBe('A user id is required');
    }
  });

  it('options: an object or nothing', async () => {
    const { auth } = await setup();
    expect(await auth.endSessionsOfUser(IDS.admin, {})).toBe(0);
    for (const options of [null, 'x', 5]) {
      const error = await expectCode(auth.endSessionsOfUser(IDS.admin, options as never), 'ERR_INVALID_REQUEST');
      expect(error.message, String(options)).toBe('options must be an object');
    }
  });

  it('except: a family id of 1 to 256 characters, kept alive; anything else is refused, saying so', async () => {
    const { auth } = await setup();
    const kept = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const ended = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const sid = decodeJwt(kept.token)['sid'] as string;
    for (const except of ['', 's'.repeat(257), 5, null]) {
      const error = await expectCode(auth.endSessionsOfUser(IDS.admin, { except } as never), 'ERR_INVALID_REQUEST');
      expect(error.message, String(except)).toBe('except must be a session (family) id');
    }
    expect(await auth.endSessionsOfUser(IDS.admin, { except: 's'.repeat(256) })).toBe(2);
    const again = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    const another = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(await auth.endSessionsOfUser(IDS.admin, { except: decodeJwt(again.token)['sid'] as string })).toBe(1);
    await expect(auth.authenticate(`Bearer ${again.token}`)).resolves.toBeDefined();
    await expectCode(auth.authenticate(`Bearer ${another.token}`), 'ERR_TOKEN_REVOKED');
    expect(sid).not.toBe(decodeJwt(ended.token)['sid']);
  });

  it('a store answer that is not a count of sessions reads as 0', async () => {
    for (const answer of [Number.NaN, -1, 1.5, 2 ** 53, '3', undefined]) {
      const base = createMemoryStore();
      const store: TokenStore = { ...base, revokeFamiliesOfUser: async () => answer as never };
      const { auth } = await setup({ store });
      expect(await auth.endSessionsOfUser(IDS.admin), String(answer)).toBe(0);
    }
    const base = createMemoryStore();
    const { auth } = await setup({ store: { ...base, revokeFamiliesOfUser: async () => 0 } });
    expect(await auth.endSessionsOfUser(IDS.admin)).toBe(0);
  });
});
