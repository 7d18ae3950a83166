import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

const fixedRandom = (size: number) => Buffer.alloc(size, 7);

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env, { randomBytes: fixedRandom });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    const config = parseConfig({}, { randomBytes: fixedRandom });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      framework: 'fastify',
      accessTokenTtlSeconds: 86_400,
      accessTokenTtlText: '24h',
      generatedJwtSecret: true,
      redisUrl: undefined,
      redisPrefix: 'chatshipper:',
      loginThrottle: {},
      trustProxy: undefined,
    });
    expect(config.admin.generatedEmail).toBe(true);
    expect(config.admin.generatedPassword).toBe(true);
    expect(config.admin.password.length).toBeGreaterThanOrEqual(16);
    expect(Buffer.byteLength(config.jwtSecret)).toBeGreaterThanOrEqual(32);
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ PORT: '', FRAMEWORK: '', JWT_SECRET: '' }, { randomBytes: fixedRandom }).port).toBe(3000);
  });

  it('reads every variable', () => {
    const config = parseConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      FRAMEWORK: 'Koa',
      ADMIN_EMAIL: 'Root@Example.com',
      ADMIN_PASSWORD: 'correct horse',
      ACCESS_TOKEN_TTL: '2s',
      JWT_SECRET: 'x'.repeat(32),
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      REDIS_PREFIX: 'acme:chat:',
      LOGIN_MAX_FAILURES_PER_SOURCE: '50',
      LOGIN_MAX_FAILURES_PER_EMAIL_AND_SOURCE: '5',
      LOGIN_MAX_FAILURES_PER_EMAIL: '200',
    });
    expect(config).toMatchObject({
      port: 0,
      host: '0.0.0.0',
      framework: 'koa',
      admin: { email: 'root@example.com', password: 'correct horse', generatedEmail: false, generatedPassword: false },
      accessTokenTtlSeconds: 2,
      jwtSecret: 'x'.repeat(32),
      generatedJwtSecret: false,
      redisUrl: 'redis://127.0.0.1:6379/0',
      redisPrefix: 'acme:chat:',
      loginThrottle: { maxFailuresPerSource: 50, maxFailuresPerEmailAndSource: 5, maxFailuresPerEmail: 200 },
    });
  });

  it.each(['0', '-1', '1.5', 'ten', '10000000', ' ', '1e3'])('rejects a login throttling limit of %j, naming the variable', (text) => {
    for (const variable of ['LOGIN_MAX_FAILURES_PER_SOURCE', 'LOGIN_MAX_FAILURES_PER_EMAIL_AND_SOURCE', 'LOGIN_MAX_FAILURES_PER_EMAIL']) {
      expect(problemsOf({ [variable]: text })).toEqual([`${variable} must be an integer from 1 to 1000000 (got "${text}")`]);
    }
  });

  it.each([
    ['1', { hops: 1 }],
    [' 2 ', { hops: 2 }],
    ['32', { hops: 32 }],
    ['10.0.0.1', { proxies: ['10.0.0.1'] }],
    ['10.0.0.0/8, 192.168.1.1 ,fd00::/8,::1', { proxies: ['10.0.0.0/8', '192.168.1.1', 'fd00::/8', '::1'] }],
    ['0.0.0.0/0', { proxies: ['0.0.0.0/0'] }],
    ['2001:db8::/128', { proxies: ['2001:db8::/128'] }],
  ])('reads TRUST_PROXY=%j', (text, trustProxy) => {
    expect(parseConfig({ TRUST_PROXY: text }, { randomBytes: fixedRandom }).trustProxy).toEqual(trustProxy);
  });

  it.each([
    '0',
    '33',
    '100',
    'true',
    'false',
    '*',
    'loopback',
    ' ',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.1/8/2',
    '10.0.0.1,',
    '10.0.0.1/x',
    '1.2.3',
    'proxy.example.com',
    Array(65).fill('10.0.0.1').join(','),
  ])('rejects TRUST_PROXY=%j, naming the variable', (text) => {
    const problems = problemsOf({ TRUST_PROXY: text });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^TRUST_PROXY must be a number of proxy hops from 1 to 32, or a comma-separated list/);
  });

  it.each([
    ['24h', 86_400],
    ['90s', 90],
    ['2s', 2],
    ['15m', 900],
    ['7d', 604_800],
    ['1500ms', Number.NaN],
    ['2000ms', 2],
  ])('parses ACCESS_TOKEN_TTL=%s', (text, seconds) => {
    if (Number.isNaN(seconds)) {
      expect(problemsOf({ ACCESS_TOKEN_TTL: text })).toHaveLength(1);
    } else {
      expect(parseConfig({ ACCESS_TOKEN_TTL: text }).accessTokenTtlSeconds).toBe(seconds);
    }
  });

  it.each(['2', '1.5h', '-2s', '0s', 'two seconds', '2 s', '500ms'])('rejects ACCESS_TOKEN_TTL=%j', (text) => {
    expect(problemsOf({ ACCESS_TOKEN_TTL: text })).toEqual([expect.stringContaining('ACCESS_TOKEN_TTL')]);
  });

  it.each(['-1', '65536', 'http', '3000.5', '0x10'])('rejects PORT=%j', (port) => {
    expect(problemsOf({ PORT: port })).toEqual([expect.stringContaining('PORT')]);
  });

  it('rejects an unknown framework, naming the choices', () => {
    expect(problemsOf({ FRAMEWORK: 'hapi' })).toEqual([expect.stringMatching(/FRAMEWORK.*express, fastify, koa/)]);
  });

  it('rejects a JWT_SECRET shorter than 32 bytes without echoing it', () => {
    const problems = problemsOf({ JWT_SECRET: 'short-secret-value' });
    expect(problems).toEqual([expect.stringContaining('JWT_SECRET must be at least 32 bytes')]);
    expect(problems.join()).not.toContain('short-secret-value');
  });

  it('counts JWT_SECRET in bytes, not characters', () => {
    expect(problemsOf({ JWT_SECRET: 'é'.repeat(16) })).toEqual([]);
    expect(problemsOf({ JWT_SECRET: 'é'.repeat(15) })).toHaveLength(1);
  });

  it('rejects a bad REDIS_URL without echoing it', () => {
    const problems = problemsOf({ REDIS_URL: 'http://user:hunter2@host', JWT_SECRET: 'k'.repeat(32) });
    expect(problems).toEqual([expect.stringContaining('REDIS_URL')]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it("requires JWT_SECRET with REDIS_URL: instances must verify each other's tokens", () => {
    const problems = problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET must be set when REDIS_URL is set: every instance/)]);
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET: 'k'.repeat(32) })).toEqual([]);
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET: 'k'.repeat(31) })).toEqual([
      expect.stringContaining('JWT_SECRET must be at least 32 bytes'),
    ]);
  });

  it.each(['has space', 'x'.repeat(65), 'tab\there', '{app}:', 'a}'])('rejects REDIS_PREFIX=%j', (prefix) => {
    expect(problemsOf({ REDIS_PREFIX: prefix })).toEqual([expect.stringContaining('REDIS_PREFIX')]);
  });

  it('rejects a bad admin email and a short admin password', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'short' })).toEqual([
      expect.stringContaining('ADMIN_EMAIL'),
      expect.stringContaining('ADMIN_PASSWORD'),
    ]);
  });

  it('reports every problem at once', () => {
    const error = (() => {
      try {
        parseConfig({ PORT: 'x', FRAMEWORK: 'y', ACCESS_TOKEN_TTL: 'z', JWT_SECRET: 'w' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(4);
    expect((error as ConfigError).message).toMatch(/^Invalid configuration:\n {2}- PORT/);
  });

  describe('DATABASE_URL', () => {
    const secret = { JWT_SECRET: 'x'.repeat(32) };

    it('is read when it is a postgres URL', () => {
      const url = 'postgres://app:s3cret@db.internal:5432/chat';
      expect(parseConfig({ DATABASE_URL: ` ${url} `, ...secret }, { randomBytes: fixedRandom }).databaseUrl).toBe(url);
      expect(parseConfig({ DATABASE_URL: 'postgresql://db/chat', ...secret }, { randomBytes: fixedRandom }).databaseUrl).toBe('postgresql://db/chat');
      expect(parseConfig({}, { randomBytes: fixedRandom }).databaseUrl).toBeUndefined();
    });

    it('refuses another scheme without echoing the URL, REDIS_URL beside it, and a generated JWT secret', () => {
      expect(problemsOf({ DATABASE_URL: 'mysql://root:hunter22@db/chat', ...secret })).toEqual([
        'DATABASE_URL must be a postgres:// or postgresql:// URL',
      ]);
      expect(problemsOf({ DATABASE_URL: 'postgres://db/chat', REDIS_URL: 'redis://127.0.0.1:6379', ...secret })).toEqual([
        'DATABASE_URL and REDIS_URL are exclusive: keep the state in PostgreSQL or in Redis, not both',
      ]);
      expect(problemsOf({ DATABASE_URL: 'postgres://db/chat' })).toEqual([
        'JWT_SECRET must be set when DATABASE_URL is set: every instance, and the next start, verifies tokens with it (at least 32 bytes)',
      ]);
    });
  });
});
