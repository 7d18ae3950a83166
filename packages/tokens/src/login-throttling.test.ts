// The login-throttling policy (OWASP Authentication Cheat Sheet): per (email, source) counters
// that refuse, a per-source counter that refuses, and a much higher per-email backstop; only
// failures consume budget. Everything on a fake clock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScopeladderError } from '@scopeladder/core';
import { createMemoryStore } from './create-memory-store.js';
import { IDS, PASSWORD, expectCode, setup, type Fixture } from './test-fixtures.js';

const MINUTE = 60_000;
const WINDOW = 15 * MINUTE;
const DAY = 24 * 60 * MINUTE;
const AGENT = 'agent@example.com';
const ADMIN = 'admin@example.com';

type Outcome = 'ok' | 'invalid' | 'throttled';

async function attempt(fixture: Fixture, email: string, password: string, source?: string): Promise<Outcome> {
  try {
    await fixture.auth.login({ email, password }, source === undefined ? undefined : { source });
    return 'ok';
  } catch (error) {
    const code = (error as ScopeladderError).code;
    if (code === 'ERR_INVALID_CREDENTIALS') return 'invalid';
    if (code === 'ERR_LOGIN_THROTTLED') return 'throttled';
    throw error;
  }
}

async function throttledAfter(fixture: Fixture, email: string, password: string, source?: string): Promise<number | undefined> {
  const error = (await expectCode(
    fixture.auth.login({ email, password }, source === undefined ? undefined : { source }),
    'ERR_LOGIN_THROTTLED',
  )) as ScopeladderError;
  return error.retryAfter;
}

describe('login throttling: the reproductions of the issue (default options)', () => {
  it('never throttles 150 successful logins from one source in 15 minutes', async () => {
    const fixture = await setup({ throttle: undefined });
    for (let n = 0; n < 150; n += 1) {
      expect(await attempt(fixture, n % 2 === 0 ? AGENT : ADMIN, PASSWORD, '10.0.0.1'), `login ${n + 1}`).toBe('ok');
      fixture.clock.advance(1_000);
    }
  });

  it('11 wrong passwords from source A do not lock the owner out from source B; A gets 429 with retryAfter', async () => {
    const fixture = await setup({ throttle: undefined });
    for (let n = 0; n < 10; n += 1) expect(await attempt(fixture, AGENT, 'wrong', '198.51.100.66')).toBe('invalid');
    expect(await throttledAfter(fixture, AGENT, 'wrong', '198.51.100.66')).toBe(900);
    expect(await attempt(fixture, AGENT, PASSWORD, '203.0.113.10')).toBe('ok');
    fixture.clock.advance(5 * MINUTE);
    expect(await throttledAfter(fixture, AGENT, PASSWORD, '198.51.100.66')).toBe(600);
    expect(await attempt(fixture, AGENT, PASSWORD, '203.0.113.10')).toBe('ok');
    // The window ends: A may try again.
    fixture.clock.advance(10 * MINUTE);
    expect(await attempt(fixture, AGENT, PASSWORD, '198.51.100.66')).toBe('ok');
  });
});

describe('login throttling: the security review (known sources, NAT, IPv6)', () => {
  it('10 sources × 10 failures reach the per-email backstop: the owner still logs in from an address it used before; a new address gets 429', async () => {
    const fixture = await setup({ throttle: undefined });
    expect(await attempt(fixture, AGENT, PASSWORD, '203.0.113.10')).toBe('ok');
    fixture.clock.advance(MINUTE);
    for (let source = 0; source < 10; source += 1) {
      for (let n = 0; n < 10; n += 1) expect(await attempt(fixture, AGENT, 'wrong', `10.1.0.${source}`)).toBe('invalid');
    }
    // The address the owner used before skips the backstop...
    expect(await attempt(fixture, AGENT, PASSWORD, '203.0.113.10')).toBe('ok');
    expect(await attempt(fixture, AGENT, PASSWORD, '203.0.113.10')).toBe('ok');
    // ...a brand-new address does not (documented: the backstop still stops distributed guessing).
    // (The backstop's window started at the owner's first login, a minute before the flood.)
    expect(await throttledAfter(fixture, AGENT, PASSWORD, '198.51.100.77')).toBe(840);
    expect(await throttledAfter(fixture, AGENT, 'wrong', '10.1.0.10')).toBe(840);
  });

  it('101 failures from one address (many emails): a user who logged in from it before still logs in there', async () => {
    const fixture = await setup({ throttle: undefined });
    const NAT = '192.0.2.1';
    expect(await attempt(fixture, ADMIN, PASSWORD, NAT)).toBe('ok');
    for (let n = 0; n < 100; n += 1) expect(await attempt(fixture, `user${n % 30}@example.com`, 'wrong', NAT)).toBe('invalid');
    expect(await attempt(fixture, 'user99@example.com', 'wrong', NAT)).toBe('throttled');
    expect(await attempt(fixture, ADMIN, PASSWORD, NAT)).toBe('ok');
    // A user who never logged in from that address is refused there, until the window ends.
    expect(await attempt(fixture, AGENT, PASSWORD, NAT)).toBe('throttled');
    fixture.clock.advance(WINDOW);
    expect(await attempt(fixture, AGENT, PASSWORD, NAT)).toBe('ok');
  });

  it('a known pair still has its own (email, source) limit', async () => {
    const fixture = await setup({ throttle: undefined });
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('ok');
    for (let n = 0; n < 10; n += 1) expect(await attempt(fixture, AGENT, 'wrong', 'S')).toBe('invalid');
    expect(await throttledAfter(fixture, AGENT, PASSWORD, 'S')).toBe(900);
  });

  it('a pair stays known for knownSourceTtl after its latest success (default 30 days)', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 2 } });
    const flood = async () => {
      for (let n = 0; n < 2; n += 1) await attempt(fixture, `user${n}@example.com`, 'wrong', 'S');
    };
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('ok');
    fixture.clock.advance(29 * DAY);
    await flood();
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('ok'); // known; and known again for 30 days from now
    fixture.clock.advance(29 * DAY);
    await flood();
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('ok');
    fixture.clock.advance(30 * DAY);
    await flood();
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('throttled');
  });

  it('knownSourceTtl is an option', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 1, knownSourceTtl: '1h', window: '1m' } });
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('ok');
    fixture.clock.advance(59 * MINUTE);
    expect(await attempt(fixture, ADMIN, 'wrong', 'S')).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('ok');
    fixture.clock.advance(60 * MINUTE);
    expect(await attempt(fixture, ADMIN, 'wrong', 'S')).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('throttled');
  });

  it('only the right password makes a pair known; failures and refusals never do', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 3, maxFailuresPerEmailAndSource: 2 } });
    for (let n = 0; n < 6; n += 1) await attempt(fixture, AGENT, 'wrong', 'S');
    for (let n = 0; n < 3; n += 1) await attempt(fixture, `user${n}@example.com`, 'wrong', 'S');
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('throttled');
    fixture.clock.advance(WINDOW);
    expect(await attempt(fixture, `user9@example.com`, 'wrong', 'S')).toBe('invalid');
    expect(await attempt(fixture, AGENT, 'wrong', 'S')).toBe('invalid');
    expect(await attempt(fixture, AGENT, 'wrong', 'S')).toBe('invalid');
    // Still counted per source: 3 failures there, so the next unknown attempt is refused.
    expect(await attempt(fixture, ADMIN, PASSWORD, 'S')).toBe('throttled');
  });

  it('a source-less attempt is never known: the per-email backstop still applies to it', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmail: 2 } });
    expect(await attempt(fixture, AGENT, PASSWORD)).toBe('ok');
    expect(await attempt(fixture, AGENT, 'wrong', 'A')).toBe('invalid');
    expect(await attempt(fixture, AGENT, 'wrong', 'B')).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD)).toBe('throttled');
  });

  it('confirmPassword makes its pair known, as a login does', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 1 } });
    await fixture.auth.confirmPassword(IDS.agent, PASSWORD, { source: 'S' });
    expect(await attempt(fixture, ADMIN, 'wrong', 'S')).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD, 'S')).toBe('ok');
    expect(await attempt(fixture, ADMIN, PASSWORD, 'S')).toBe('throttled');
  });

  it('ipv6PrefixLength is an option: /48 makes one site one source', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 2, ipv6PrefixLength: 48 } });
    expect(await attempt(fixture, 'user1@example.com', 'wrong', '2001:db8:7:1::1')).toBe('invalid');
    expect(await attempt(fixture, 'user2@example.com', 'wrong', '2001:db8:7:ff::1')).toBe('invalid');
    expect(await attempt(fixture, ADMIN, PASSWORD, '2001:db8:7:abcd::9')).toBe('throttled');
    expect(await attempt(fixture, ADMIN, PASSWORD, '2001:db8:8::9')).toBe('ok');
  });

  it('an IPv4-mapped IPv6 address is the IPv4 address', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmailAndSource: 2 } });
    expect(await attempt(fixture, AGENT, 'wrong', '192.0.2.9')).toBe('invalid');
    expect(await attempt(fixture, AGENT, 'wrong', '::ffff:192.0.2.9')).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD, '::FFFF:c000:209')).toBe('throttled');
  });

  it('IPv6 addresses in one /64 share the per-source and per-(email, source) counters', async () => {
    const fixture = await setup({ throttle: undefined });
    for (let n = 0; n < 10; n += 1) expect(await attempt(fixture, AGENT, 'wrong', `2001:db8:1:2::${(n + 1).toString(16)}`)).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD, '2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('throttled');
    expect(await attempt(fixture, AGENT, PASSWORD, '2001:db8:1:3::1')).toBe('ok');
    for (let n = 0; n < 90; n += 1)
      expect(await attempt(fixture, `user${n}@example.com`, 'wrong', `2001:DB8:1:2:${n.toString(16)}::1`)).toBe('invalid');
    expect(await attempt(fixture, ADMIN, PASSWORD, '2001:db8:1:2:abcd::1')).toBe('throttled');
  });
});

describe('login throttling: the policy', () => {
  it('refuses a source over maxFailuresPerSource across emails, and only that source', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 5, window: '1m' } });
    for (let n = 0; n < 5; n += 1) expect(await attempt(fixture, `user${n}@example.com`, 'x', '203.0.113.9')).toBe('invalid');
    expect(await throttledAfter(fixture, ADMIN, PASSWORD, '203.0.113.9')).toBe(60);
    expect(await attempt(fixture, ADMIN, PASSWORD, '198.51.100.1')).toBe('ok');
    fixture.clock.advance(MINUTE);
    expect(await attempt(fixture, ADMIN, PASSWORD, '203.0.113.9')).toBe('ok');
  });

  it('a success gives its attempt back: it never consumes the source budget', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 3 } });
    expect(await attempt(fixture, 'nobody@example.com', 'x', 'S')).toBe('invalid');
    expect(await attempt(fixture, 'nobody@example.com', 'x', 'S')).toBe('invalid');
    for (let n = 0; n < 50; n += 1) expect(await attempt(fixture, n % 2 ? AGENT : ADMIN, PASSWORD, 'S')).toBe('ok');
    expect(await attempt(fixture, 'nobody@example.com', 'x', 'S')).toBe('invalid');
    expect(await attempt(fixture, 'nobody@example.com', 'x', 'S')).toBe('throttled');
    // The source is over its limit now; only pairs that logged in from it before still get in.
    expect(await attempt(fixture, ADMIN, PASSWORD, 'S')).toBe('ok');
    expect(await attempt(fixture, 'Admin@Example.com', PASSWORD, 'S2')).toBe('ok');
  });

  it('a success clears its (email, source) counter', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmailAndSource: 3 } });
    const tries: Outcome[] = [];
    for (const password of ['x', 'x', PASSWORD, 'x', 'x', 'x', PASSWORD]) tries.push(await attempt(fixture, AGENT, password, 'S'));
    expect(tries).toEqual(['invalid', 'invalid', 'ok', 'invalid', 'invalid', 'invalid', 'throttled']);
  });

  it('a success does not reset the per-email backstop (it only gives its own attempt back)', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmail: 3 } });
    expect(await attempt(fixture, AGENT, 'x', 'A')).toBe('invalid');
    expect(await attempt(fixture, AGENT, 'x', 'B')).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD, 'C')).toBe('ok');
    expect(await attempt(fixture, AGENT, 'x', 'D')).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD, 'E')).toBe('throttled');
  });

  it('the per-email backstop (default 100) refuses from every source once failures come from many sources', async () => {
    const fixture = await setup({ throttle: undefined });
    // 10 sources × 10 failures: each (email, source) pair is at its limit, no source is.
    for (let source = 0; source < 10; source += 1) {
      for (let n = 0; n < 10; n += 1) expect(await attempt(fixture, AGENT, 'wrong', `10.1.0.${source}`)).toBe('invalid');
    }
    fixture.clock.advance(MINUTE);
    expect(await throttledAfter(fixture, AGENT, 'wrong', '10.1.0.10')).toBe(840);
    expect(await throttledAfter(fixture, AGENT, PASSWORD, '10.1.0.11')).toBe(840);
    expect(await attempt(fixture, ADMIN, PASSWORD, '10.1.0.10')).toBe('ok');
    fixture.clock.advance(14 * MINUTE);
    expect(await attempt(fixture, AGENT, PASSWORD, '10.1.0.11')).toBe('ok');
  });

  it('an attempt refused by a later counter gives back its hits on the earlier ones', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 5, maxFailuresPerEmailAndSource: 2 } });
    expect(await attempt(fixture, AGENT, 'x', 'S')).toBe('invalid');
    expect(await attempt(fixture, AGENT, 'x', 'S')).toBe('invalid');
    // Hammering the refused pair does not burn the source's budget...
    for (let n = 0; n < 20; n += 1) expect(await attempt(fixture, AGENT, 'x', 'S')).toBe('throttled');
    for (let n = 0; n < 3; n += 1) expect(await attempt(fixture, `user${n}@example.com`, 'x', 'S')).toBe('invalid');
    // ...but 5 real failures do.
    expect(await attempt(fixture, ADMIN, PASSWORD, 'S')).toBe('throttled');
  });

  it('an attempt refused by the backstop does not count against its (email, source) pair', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmail: 2, maxFailuresPerEmailAndSource: 3, window: '1m' } });
    expect(await attempt(fixture, AGENT, 'x', 'A')).toBe('invalid');
    expect(await attempt(fixture, AGENT, 'x', 'B')).toBe('invalid');
    // The owner at C, refused by the backstop again and again near the end of its window...
    fixture.clock.advance(30_000);
    for (let n = 0; n < 10; n += 1) expect(await attempt(fixture, AGENT, PASSWORD, 'C')).toBe('throttled');
    // ...is let in as soon as the backstop's window ends (C's own pair counted nothing).
    fixture.clock.advance(30_000);
    expect(await attempt(fixture, AGENT, PASSWORD, 'C')).toBe('ok');
  });

  it('refuses a throttled source before it counts anything against an email', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 2, window: '1m' } });
    for (let n = 0; n < 2; n += 1) expect(await attempt(fixture, `user${n}@example.com`, 'x', '203.0.113.7')).toBe('invalid');
    const before = fixture.store.size().counters;
    for (let n = 0; n < 20; n += 1) expect(await attempt(fixture, `flood${n}@example.com`, 'x', '203.0.113.7')).toBe('throttled');
    expect(fixture.store.size().counters).toBe(before);
  });

  it('without a source: one counter per email at maxFailuresPerEmailAndSource, no per-source counter', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmailAndSource: 3, maxFailuresPerSource: 5 } });
    for (let n = 0; n < 3; n += 1) expect(await attempt(fixture, AGENT, 'x')).toBe('invalid');
    expect(await attempt(fixture, AGENT, PASSWORD)).toBe('throttled');
    expect(await attempt(fixture, AGENT, PASSWORD, '')).toBe('throttled');
    // A known source is a different pair.
    expect(await attempt(fixture, AGENT, PASSWORD, 'B')).toBe('ok');
    // Source-less failures on many emails share no budget.
    for (let n = 0; n < 10; n += 1) expect(await attempt(fixture, `user${n}@example.com`, 'x')).toBe('invalid');
    expect(await attempt(fixture, ADMIN, PASSWORD)).toBe('ok');
  });

  it('counts concurrent attempts before any password work: a burst from one source cannot exceed its limit', async () => {
    const fixture = await setup({ throttle: undefined });
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => attempt(fixture, AGENT, 'guess', 'S')));
    expect(outcomes.filter((outcome) => outcome === 'invalid')).toHaveLength(10);
    expect(outcomes.filter((outcome) => outcome === 'throttled')).toHaveLength(20);
  });

  it('a burst from many sources cannot exceed the per-email backstop', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerEmail: 7 } });
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, n) => attempt(fixture, AGENT, 'guess', `10.2.0.${n}`)));
    expect(outcomes.filter((outcome) => outcome === 'invalid')).toHaveLength(7);
    expect(outcomes.filter((outcome) => outcome === 'throttled')).toHaveLength(33);
  });

  it('a burst of spraying from one source cannot exceed its limit', async () => {
    const fixture = await setup({ throttle: { maxFailuresPerSource: 12 } });
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, n) => attempt(fixture, `user${n}@example.com`, 'guess', 'S')));
    expect(outcomes.filter((outcome) => outcome === 'invalid')).toHaveLength(12);
  });

  it('keeps no email or address in clear in the store', async () => {
    const store = createMemoryStore();
    const keys: string[] = [];
    for (const name of ['hit', 'peek', 'releaseHit', 'clearHits'] as const) {
      const original = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>;
      (store as unknown as Record<string, unknown>)[name] = (key: string, ...rest: unknown[]) => {
        keys.push(key);
        return original(key, ...rest);
      };
    }
    const fixture = await setup({ store });
    await attempt(fixture, AGENT, 'x', '192.0.2.55');
    await attempt(fixture, AGENT, PASSWORD, '192.0.2.55');
    await attempt(fixture, AGENT, PASSWORD, '2001:db8::55');
    expect(new Set(keys.map((key) => key.replace(/[0-9a-f]{64}$/, '<digest>')))).toEqual(
      new Set(['login:source:<digest>', 'login:email-source:<digest>', 'login:email:<digest>', 'login:known:<digest>']),
    );
    expect(keys.join(' ')).not.toMatch(/agent|example|192\.0\.2|2001|db8/);
  });
});

/**
 * The policy, as a small reference model: fixed windows that start at a counter's first hit;
 * a known pair (a success from that source within `knownTtlMs`, sources only) is counted on its
 * pair counter only; any other attempt in order source → (email, source) → email, the first
 * over its limit refuses and gives back the hits before it; a success gives back its source and
 * email hits, clears its pair and makes the pair known from now. IPv6 sources by their /64.
 */
function createModel(limits: { source: number; pair: number; email: number }, windowMs: number, knownTtlMs: number, users: ReadonlySet<string>) {
  const counters = new Map<string, { count: number; resetAt: number }>();
  const knownUntil = new Map<string, number>();
  const hit = (key: string, now: number) => {
    let counter = counters.get(key);
    if (counter === undefined || counter.resetAt <= now) counters.set(key, (counter = { count: 0, resetAt: now + windowMs }));
    counter.count += 1;
    return counter;
  };
  const sourceOf = (source: string) => (source.includes(':') ? source.split(':').slice(0, 4).join(':') : source);
  return (email: string, rawSource: string | undefined, right: boolean, now: number): { outcome: Outcome; retryAfter?: number } => {
    const lower = email.toLowerCase();
    const source = rawSource === undefined ? undefined : sourceOf(rawSource);
    const pair = `p|${lower}|${source ?? ''}`;
    const known = source !== undefined && (knownUntil.get(pair) ?? 0) > now;
    const plan: Array<[string, number]> = known
      ? [[pair, limits.pair]]
      : [
          ...(source === undefined ? [] : ([[`s|${source}`, limits.source]] as Array<[string, number]>)),
          [pair, limits.pair],
          [`e|${lower}`, limits.email],
        ];
    const held: Array<{ key: string; counter: { count: number; resetAt: number } }> = [];
    for (const [key, limit] of plan) {
      const counter = hit(key, now);
      if (counter.count > limit) {
        for (const earlier of held) earlier.counter.count = Math.max(0, earlier.counter.count - 1);
        return { outcome: 'throttled', retryAfter: Math.max(1, Math.ceil((counter.resetAt - now) / 1000)) };
      }
      held.push({ key, counter });
    }
    if (!(right && users.has(lower))) return { outcome: 'invalid' };
    for (const { key, counter } of held) {
      if (key === pair) counters.delete(key);
      else counter.count = Math.max(0, counter.count - 1);
    }
    if (source !== undefined) knownUntil.set(pair, now + knownTtlMs);
    return { outcome: 'ok' };
  };
}

describe('login throttling: properties', () => {
  const step = fc.record({
    email: fc.constantFrom(AGENT, 'Agent@Example.com', ADMIN, 'nobody@example.com'),
    source: fc.constantFrom<string | undefined>('A', 'B', 'C', undefined, '2001:db8:0:1::1', '2001:db8:0:1:8000::2', '2001:db8:0:2::1'),
    right: fc.boolean(),
    advance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20_000 })),
  });

  it('agrees with the reference model on random sequences of attempts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 80 }), async (steps) => {
        const fixture = await setup({
          throttle: { maxFailuresPerEmailAndSource: 2, maxFailuresPerSource: 4, maxFailuresPerEmail: 3, window: '1m', knownSourceTtl: '3m' },
        });
        const model = createModel({ source: 4, pair: 2, email: 3 }, MINUTE, 3 * MINUTE, new Set([AGENT, ADMIN]));
        for (const { email, source, right, advance } of steps) {
          fixture.clock.advance(advance);
          const expected = model(email, source, right, fixture.clock());
          let actual: { outcome: Outcome; retryAfter?: number };
          try {
            await fixture.auth.login({ email, password: right ? PASSWORD : 'wrong' }, source === undefined ? undefined : { source });
            actual = { outcome: 'ok' };
          } catch (error) {
            const { code, retryAfter } = error as ScopeladderError;
            actual =
              code === 'ERR_LOGIN_THROTTLED'
                ? { outcome: 'throttled', retryAfter }
                : { outcome: code === 'ERR_INVALID_CREDENTIALS' ? 'invalid' : 'ok' };
          }
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('successful logins alone never throttle, whatever their order, emails and sources', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const fixture = await setup({ throttle: { maxFailuresPerEmailAndSource: 1, maxFailuresPerSource: 1, maxFailuresPerEmail: 1, window: '1m' } });
        for (const { email, source, advance } of steps) {
          fixture.clock.advance(advance);
          const known = email === 'nobody@example.com' ? ADMIN : email;
          expect(await attempt(fixture, known, PASSWORD, source)).toBe('ok');
        }
      }),
      { numRuns: 30 },
    );
  });
});
