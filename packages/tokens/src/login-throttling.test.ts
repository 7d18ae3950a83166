// The login-throttling policy (OWASP Authentication Cheat Sheet): per (email, source) counters
// that refuse, a per-source counter that refuses, and a much higher per-email backstop; only
// failures consume budget. Everything on a fake clock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScopeladderError } from '@scopeladder/core';
import { createMemoryStore } from './create-memory-store.js';
import { PASSWORD, expectCode, setup, type Fixture } from './test-fixtures.js';

const MINUTE = 60_000;
const WINDOW = 15 * MINUTE;
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
    expect(await attempt(fixture, ADMIN, PASSWORD, 'S')).toBe('throttled');
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
    for (const name of ['hit', 'releaseHit', 'clearHits'] as const) {
      const original = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>;
      (store as unknown as Record<string, unknown>)[name] = (key: string, ...rest: unknown[]) => {
        keys.push(key);
        return original(key, ...rest);
      };
    }
    const fixture = await setup({ store });
    await attempt(fixture, AGENT, 'x', '192.0.2.55');
    await attempt(fixture, AGENT, PASSWORD, '192.0.2.55');
    expect(new Set(keys.map((key) => key.replace(/[0-9a-f]{64}$/, '<digest>')))).toEqual(
      new Set(['login:source:<digest>', 'login:email-source:<digest>', 'login:email:<digest>']),
    );
    expect(keys.join(' ')).not.toMatch(/agent|example|192\.0\.2/);
  });
});

/**
 * The policy, as a small reference model: fixed windows that start at a counter's first hit;
 * counted in order source → (email, source) → email, the first over its limit refuses and gives
 * back the hits before it; a success gives back its source and email hits and clears its pair.
 */
function createModel(limits: { source: number; pair: number; email: number }, windowMs: number, known: ReadonlySet<string>) {
  const counters = new Map<string, { count: number; resetAt: number }>();
  const hit = (key: string, now: number) => {
    let counter = counters.get(key);
    if (counter === undefined || counter.resetAt <= now) counters.set(key, (counter = { count: 0, resetAt: now + windowMs }));
    counter.count += 1;
    return counter;
  };
  return (email: string, source: string | undefined, right: boolean, now: number): { outcome: Outcome; retryAfter?: number } => {
    const lower = email.toLowerCase();
    const plan: Array<[string, number]> = [
      ...(source === undefined ? [] : ([[`s|${source}`, limits.source]] as Array<[string, number]>)),
      [`p|${lower}|${source ?? ''}`, limits.pair],
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
    if (!(right && known.has(lower))) return { outcome: 'invalid' };
    for (const { key, counter } of held) {
      if (key.startsWith('p|')) counters.delete(key);
      else counter.count = Math.max(0, counter.count - 1);
    }
    return { outcome: 'ok' };
  };
}

describe('login throttling: properties', () => {
  const step = fc.record({
    email: fc.constantFrom(AGENT, 'Agent@Example.com', ADMIN, 'nobody@example.com'),
    source: fc.constantFrom<string | undefined>('A', 'B', 'C', undefined),
    right: fc.boolean(),
    advance: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20_000 })),
  });

  it('agrees with the reference model on random sequences of attempts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const fixture = await setup({ throttle: { maxFailuresPerEmailAndSource: 2, maxFailuresPerSource: 4, maxFailuresPerEmail: 3, window: '1m' } });
        const model = createModel({ source: 4, pair: 2, email: 3 }, MINUTE, new Set([AGENT, ADMIN]));
        for (const { email, source, right, advance } of steps) {
          fixture.clock.advance(advance);
          const expected = model(email, source, right, fixture.clock());
          let actual: { outcome: Outcome; retryAfter?: number };
          try {
            await fixture.auth.login({ email, password: right ? PASSWORD : 'wrong' }, source === undefined ? undefined : { source });
            actual = { outcome: 'ok' };
          } catch (error) {
            const { code, retryAfter } = error as ScopeladderError;
            actual = code === 'ERR_LOGIN_THROTTLED' ? { outcome: 'throttled', retryAfter } : { outcome: code === 'ERR_INVALID_CREDENTIALS' ? 'invalid' : 'ok' };
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
