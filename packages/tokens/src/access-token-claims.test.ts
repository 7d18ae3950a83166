// The `claims` and `scopeFormat` options: extra access-token claims from the user (ChatShipper's
// SDK reads `_id`) and the expanded scope string ChatShipper's own tokens carry. Neither can
// change what a token grants, nor overwrite a claim the service writes.
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { IDS, PASSWORD, expectCode, setup } from './test-fixtures.js';

/** The application's mistake: no token, `ERR_INTERNAL` (a 500) whose cause is the `TypeError`. */
async function expectMisuse(promise: Promise<unknown>): Promise<void> {
  const error = await expectCode(promise, 'ERR_INTERNAL');
  expect(error.cause).toBeInstanceOf(TypeError);
}

describe('the claims option', () => {
  it('adds the returned claims to every access token, at login and at refresh', async () => {
    const { auth } = await setup({ claims: (user) => ({ _id: user.id, tenant: 'acme', staff: true }) });
    const session = await auth.login({ email: 'agent@example.com', password: PASSWORD });
    expect(decodeJwt(session.token)).toMatchObject({ _id: IDS.agent, sub: IDS.agent, tenant: 'acme', staff: true, scope: 'agent' });
    const refreshed = await auth.refresh(session.refreshToken);
    expect(decodeJwt(refreshed.token)).toMatchObject({ _id: IDS.agent, tenant: 'acme' });
    expect((await auth.authenticate(`Bearer ${refreshed.token}`)).principal.scopes).toEqual(['agent']);
  });

  it.each(['sub', 'scope', 'iss', 'aud', 'exp', 'client_id', 'sid', 'org', 'email'])('refuses to let it write %s (no token)', async (name) => {
    const { auth } = await setup({ claims: () => ({ [name]: 'admin' }) });
    await expectMisuse(auth.login({ email: 'guest@example.com', password: PASSWORD }));
  });

  it.each([
    ['an array', () => ['x']],
    ['an object value', () => ({ nested: { a: 1 } })],
    ['a non-finite number', () => ({ n: Number.NaN })],
    ['too many claims', () => Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`c${i}`, i]))],
    ['a long string', () => ({ s: 'x'.repeat(1025) })],
  ])('refuses %s', async (_name, claims) => {
    const { auth } = await setup({ claims: claims as never });
    await expectMisuse(auth.login({ email: 'guest@example.com', password: PASSWORD }));
  });

  it('is checked at construction', async () => {
    await expect(setup({ claims: 'x' as never })).rejects.toThrow(/claims must be a function/);
  });
});

describe('the scopeFormat option', () => {
  it("'expanded' writes the cascade with the aliases, in the token and the response; it grants the same", async () => {
    const { auth } = await setup({ scopeFormat: 'expanded' });
    const admin = await auth.login({ email: 'admin@example.com', password: PASSWORD });
    expect(admin.scope).toBe('viewer guest agent bot admin');
    expect(decodeJwt(admin.token)['scope']).toBe('viewer guest agent bot admin');
    const guest = await auth.login({ email: 'guest@example.com', password: PASSWORD });
    expect(guest.scope).toBe('viewer guest');

    const { auth: plain } = await setup();
    for (const email of ['admin@example.com', 'agent@example.com', 'guest@example.com']) {
      const expanded = await auth.authenticate(`Bearer ${(await auth.login({ email, password: PASSWORD })).token}`);
      const role = await plain.authenticate(`Bearer ${(await plain.login({ email, password: PASSWORD })).token}`);
      for (const action of ['list', 'fetch', 'create', 'update', 'delete'] as const) {
        for (const type of ['Organization', 'User', 'Conversation', 'Contact'] as const) {
          expect(expanded.ability.can(action, type)).toBe(role.ability.can(action, type));
        }
      }
    }
  });

  it("'expanded' keeps a narrowed session narrowed", async () => {
    const { auth } = await setup({ scopeFormat: 'expanded' });
    const session = await auth.login({ email: 'admin@example.com', password: PASSWORD, scope: 'agent' });
    expect(session.scope).toBe('viewer guest agent');
    expect((await auth.refresh(session.refreshToken)).scope).toBe('viewer guest agent');
  });

  it("defaults to 'role' and refuses anything else at construction", async () => {
    const { auth } = await setup();
    expect((await auth.login({ email: 'admin@example.com', password: PASSWORD })).scope).toBe('admin');
    await expect(setup({ scopeFormat: 'full' as never })).rejects.toThrow(/scopeFormat must be/);
  });
});
