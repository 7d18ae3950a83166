// Login throttling over HTTP on every adapter: the client address (req.ip, request.ip, ctx.ip) is
// the source. Two loopback addresses (127.0.0.1 and 127.0.0.2) are two clients.
import { afterEach, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import type { Reply } from './fixtures/http.js';
import { startSession, type Session } from './fixtures/session.js';

const TOKEN_PATH = '/v2/auth/token';
const WINDOW_MS = 15 * 60_000;
const A = '127.0.0.1';
const B = '127.0.0.2';

describe.each(ADAPTERS)('login throttling per client address on $name', (adapter) => {
  let session: Session | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  const login = (email: string, password: string, from: string): Promise<Reply> =>
    (session as Session).send(TOKEN_PATH, { method: 'POST', json: { email, password }, localAddress: from });

  it('lets 150 successful logins from one address through (successes use no budget)', async () => {
    session = await startSession(adapter, { throttle: {} });
    const { agent, admin } = session.world.users;
    for (let n = 0; n < 150; n += 1) {
      const user = n % 2 === 0 ? agent : admin;
      const reply = await login(user.email, user.password, A);
      expect(reply.status, `login ${n + 1}: ${reply.text}`).toBe(200);
    }
  });

  it('11 wrong passwords from one address: 429 with Retry-After there, the owner logs in from another', async () => {
    session = await startSession(adapter, { throttle: {} });
    const { guest } = session.world.users;
    for (let n = 0; n < 10; n += 1) expect((await login(guest.email, 'wrong-password-123', A)).status).toBe(401);
    const refused = await login(guest.email, 'wrong-password-123', A);
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ code: 'ERR_LOGIN_THROTTLED', retryAfter: 900 });
    expect(refused.headers['retry-after']).toBe('900');
    expect((await login(guest.email, guest.password, A)).status).toBe(429);

    const owner = await login(guest.email, guest.password, B);
    expect(owner.status, owner.text).toBe(200);
    expect(owner.json.user).toBe(guest.id);

    session.world.clock.advance(WINDOW_MS);
    expect((await login(guest.email, guest.password, A)).status).toBe(200);
  });

  it('refuses one address spraying many accounts, not the others', async () => {
    session = await startSession(adapter, { throttle: { maxFailuresPerSource: 5 } });
    const { admin } = session.world.users;
    for (let n = 0; n < 5; n += 1) expect((await login(`nobody${n}@example.test`, 'wrong-password-123', B)).status).toBe(401);
    const refused = await login(admin.email, admin.password, B);
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe('ERR_LOGIN_THROTTLED');
    expect((await login(admin.email, admin.password, A)).status).toBe(200);
  });
});
