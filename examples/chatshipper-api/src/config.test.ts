import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calculateJwkThumbprint, type JWK } from 'jose';
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
      logLevel: 'info',
      otlpEndpoint: undefined,
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

  describe('REDIS_CLUSTER', () => {
    const secret = { JWT_SECRET: 'x'.repeat(32) };
    const clusterOf = (text: string) => parseConfig({ REDIS_CLUSTER: text, ...secret }, { randomBytes: fixedRandom }).redisCluster;

    it('reads the seed nodes: host names, IPv4, bracketed IPv6, spaces around entries', () => {
      expect(clusterOf('10.0.0.1:6379, redis-2.internal:7000 ,[fd00::3]:6380')).toEqual([
        { host: '10.0.0.1', port: 6379 },
        { host: 'redis-2.internal', port: 7000 },
        { host: 'fd00::3', port: 6380 },
      ]);
      expect(clusterOf('localhost:7001')).toEqual([{ host: 'localhost', port: 7001 }]);
      const config = parseConfig({}, { randomBytes: fixedRandom });
      expect(config.redisCluster).toBeUndefined();
      expect(config.redisUrl).toBeUndefined();
    });

    it.each([
      ['10.0.0.1', 'entry 1 "10.0.0.1" is not host:port'],
      ['10.0.0.1:6379,', 'entry 2 is empty'],
      ['10.0.0.1:0', 'entry 1 "10.0.0.1:0" is not host:port'],
      ['10.0.0.1:65536', 'entry 1 "10.0.0.1:65536" is not host:port'],
      ['10.0.0.1:6379,fd00::3:6380', 'entry 2 "fd00::3:6380" is not host:port'],
      ['[10.0.0.1]:6379', 'entry 1 "[10.0.0.1]:6379" is not host:port'],
      ['-bad-.host:6379', 'entry 1 "-bad-.host:6379" is not host:port'],
      ['10.0.0.1 6379', 'entry 1 is not host:port'],
    ])('refuses REDIS_CLUSTER=%j, naming the entry', (text, detail) => {
      expect(problemsOf({ REDIS_CLUSTER: text, ...secret })).toEqual([
        `REDIS_CLUSTER must be a comma-separated list of host:port seed nodes of a Redis Cluster, like 10.0.0.1:6379,10.0.0.2:6379 (${detail})`,
      ]);
    });

    it('never echoes an entry that may hold a password (a URL, user:password@)', () => {
      for (const text of [
        'redis://app:hunter2-secret@10.0.0.1:6379',
        'app:hunter2-secret@10.0.0.1:6379',
        'default:hunter2-secret',
        'default:hunter2',
      ]) {
        const problems = problemsOf({ REDIS_CLUSTER: text, ...secret });
        expect(problems).toEqual([expect.stringContaining('(entry 1 is not host:port)')]);
        expect(problems.join('\n')).not.toContain('hunter2');
      }
    });

    it('property: any list of host:port nodes, written out, reads back as those nodes; the server never echoes an "@" entry', () => {
      const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
      const host = fc.oneof(
        fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.')),
        fc.ipV4(),
        fc.ipV6(),
      );
      const node = fc.record({ host, port: fc.integer({ min: 1, max: 65535 }) });
      fc.assert(
        fc.property(fc.array(node, { minLength: 1, maxLength: 64 }), (nodes) => {
          const text = nodes.map(({ host: name, port }) => `${name.includes(':') ? `[${name}]` : name}:${port}`).join(',');
          expect(clusterOf(text)).toEqual(nodes);
        }),
      );
      fc.assert(
        fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (before, after) => {
          const problems = problemsOf({ REDIS_CLUSTER: `${before}@${after}`, ...secret });
          expect(problems.join('\n')).not.toContain(`${before}@${after}`);
        }),
      );
    });

    it('refuses more than 64 seed nodes', () => {
      const nodes = Array.from({ length: 65 }, (_, i) => `10.0.0.${i + 1}:6379`).join(',');
      expect(problemsOf({ REDIS_CLUSTER: nodes, ...secret })).toEqual([expect.stringContaining('(at most 64 of them)')]);
      expect(clusterOf(nodes.split(',').slice(0, 64).join(','))).toHaveLength(64);
    });

    it('is exclusive with REDIS_URL and with DATABASE_URL', () => {
      expect(problemsOf({ REDIS_CLUSTER: '10.0.0.1:6379', REDIS_URL: 'redis://127.0.0.1:6379', ...secret })).toEqual([
        'REDIS_CLUSTER and REDIS_URL are exclusive: give the seed nodes of a Redis Cluster, or the URL of one Redis, not both',
      ]);
      expect(problemsOf({ REDIS_CLUSTER: '10.0.0.1:6379', DATABASE_URL: 'postgres://db/chat', ...secret })).toEqual([
        'DATABASE_URL and REDIS_CLUSTER are exclusive: keep the state in PostgreSQL or in Redis, not both',
      ]);
    });

    it("requires JWT_SECRET (HS256) or JWT_PRIVATE_KEY (EdDSA, ES256), as REDIS_URL does: instances verify each other's tokens", () => {
      expect(problemsOf({ REDIS_CLUSTER: '10.0.0.1:6379' })).toEqual([
        'JWT_SECRET must be set when REDIS_CLUSTER is set: every instance signs and verifies tokens with it, so give them all the same secret (at least 32 bytes)',
      ]);
      expect(problemsOf({ REDIS_CLUSTER: '10.0.0.1:6379', JWT_ALGORITHM: 'ES256' })).toEqual([
        'JWT_PRIVATE_KEY must be set when REDIS_CLUSTER is set: every instance signs with it and serves its public key, so give them all the same ES256 key',
      ]);
    });

    it('takes REDIS_PREFIX, and its rule (no braces: they are hash tags)', () => {
      const config = parseConfig({ REDIS_CLUSTER: '10.0.0.1:6379', REDIS_PREFIX: 'acme:', ...secret }, { randomBytes: fixedRandom });
      expect(config.redisPrefix).toBe('acme:');
      expect(problemsOf({ REDIS_CLUSTER: '10.0.0.1:6379', REDIS_PREFIX: '{acme}:', ...secret })).toEqual([expect.stringContaining('REDIS_PREFIX')]);
    });
  });

  it('reads LOG_LEVEL case-insensitively and refuses other values', () => {
    expect(parseConfig({ LOG_LEVEL: ' Debug ' }, { randomBytes: fixedRandom }).logLevel).toBe('debug');
    expect(parseConfig({ LOG_LEVEL: 'silent' }, { randomBytes: fixedRandom }).logLevel).toBe('silent');
    expect(problemsOf({ LOG_LEVEL: 'verbose' })).toEqual(['LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")']);
  });

  it('reads OTEL_EXPORTER_OTLP_ENDPOINT as an http(s) URL, and refuses others without echoing them', () => {
    expect(parseConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }, { randomBytes: fixedRandom }).otlpEndpoint).toBe(
      'http://localhost:4318',
    );
    for (const value of ['collector.internal:4318', 'grpc://collector-secret:4317', 'not a url']) {
      const problems = problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL');
      expect(problems[0]).not.toContain(value);
    }
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

describe('parseConfig: signing, issuer, audience and client compatibility', () => {
  const ed25519Pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const p256Pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const p384Pem = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

  it('defaults to HS256, chatshipper-api as issuer and audience, no discovery URL, no compatibility mode', () => {
    expect(parseConfig({}, { randomBytes: fixedRandom })).toMatchObject({
      jwtAlgorithm: 'HS256',
      jwtKey: undefined,
      jwtIssuer: 'chatshipper-api',
      jwtAudience: 'chatshipper-api',
      issuerUrl: undefined,
      clientCompat: undefined,
    });
  });

  it.each([
    ['EdDSA', ed25519Pem, 'ed25519'],
    ['ES256', p256Pem, 'ec'],
  ] as const)('reads a %s JWT_PRIVATE_KEY, named by its RFC 7638 thumbprint', async (algorithm, pem, type) => {
    const config = parseConfig({ JWT_ALGORITHM: algorithm, JWT_PRIVATE_KEY: pem });
    expect(config.jwtAlgorithm).toBe(algorithm);
    expect(config.jwtSecret).toBe('');
    expect(config.generatedJwtSecret).toBe(false);
    expect(config.jwtKey?.generated).toBe(false);
    expect(config.jwtKey?.privateKey.asymmetricKeyType).toBe(type);
    const publicJwk = createPublicKey(config.jwtKey!.privateKey).export({ format: 'jwk' });
    expect(config.jwtKey?.kid).toBe(await calculateJwkThumbprint(publicJwk as JWK));
    // The same key, on one line with literal "\n" (as in an .env file), is the same key.
    expect(parseConfig({ JWT_ALGORITHM: algorithm, JWT_PRIVATE_KEY: pem.trim().replace(/\n/g, '\\n') }).jwtKey?.kid).toBe(config.jwtKey?.kid);
  });

  it.each(['EdDSA', 'ES256'] as const)('generates a %s key when JWT_PRIVATE_KEY is unset (each start its own)', (algorithm) => {
    const first = parseConfig({ JWT_ALGORITHM: algorithm });
    expect(first.jwtKey?.generated).toBe(true);
    expect(first.jwtKey?.kid).not.toBe(parseConfig({ JWT_ALGORITHM: algorithm }).jwtKey?.kid);
  });

  it('reads JWT_ALGORITHM case-insensitively and refuses others, none and RS256 included', () => {
    expect(parseConfig({ JWT_ALGORITHM: 'eddsa' }).jwtAlgorithm).toBe('EdDSA');
    for (const name of ['none', 'RS256', 'HS512', 'ES384']) {
      expect(problemsOf({ JWT_ALGORITHM: name })).toEqual([`JWT_ALGORITHM must be one of HS256, EdDSA, ES256 (got "${name}")`]);
    }
  });

  it('refuses a key of the wrong type or curve, or no PEM at all, without quoting it', () => {
    for (const [algorithm, pem] of [
      ['EdDSA', p256Pem],
      ['ES256', ed25519Pem],
      ['ES256', p384Pem],
      ['EdDSA', 'not a key'],
      ['ES256', createPublicKey(p256Pem).export({ format: 'pem', type: 'spki' }).toString()],
    ] as const) {
      const problems = problemsOf({ JWT_ALGORITHM: algorithm, JWT_PRIVATE_KEY: pem });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^JWT_PRIVATE_KEY must be an? .* private key in PEM .* for JWT_ALGORITHM=${algorithm}$`));
      expect(problems[0]).not.toContain('-----');
    }
  });

  it('refuses a secret or a key that the algorithm does not use', () => {
    expect(problemsOf({ JWT_PRIVATE_KEY: ed25519Pem })).toEqual(['JWT_PRIVATE_KEY is for JWT_ALGORITHM=EdDSA or ES256; HS256 signs with JWT_SECRET']);
    expect(problemsOf({ JWT_ALGORITHM: 'ES256', JWT_SECRET: 'x'.repeat(32) })).toEqual([
      'JWT_SECRET is for JWT_ALGORITHM=HS256; ES256 signs with JWT_PRIVATE_KEY (a PEM private key)',
    ]);
  });

  it('needs JWT_PRIVATE_KEY with REDIS_URL: every instance must serve the same public key', () => {
    expect(problemsOf({ JWT_ALGORITHM: 'EdDSA', REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([
      'JWT_PRIVATE_KEY must be set when REDIS_URL is set: every instance signs with it and serves its public key, so give them all the same EdDSA key',
    ]);
    expect(problemsOf({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: ed25519Pem, REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([]);
  });

  it('reads JWT_ISSUER and JWT_AUDIENCE; an https issuer (http on loopback) is the discovery issuer', () => {
    expect(parseConfig({ JWT_ISSUER: 'https://api.example.com', JWT_AUDIENCE: 'https://api.example.com/v2' })).toMatchObject({
      jwtIssuer: 'https://api.example.com',
      issuerUrl: 'https://api.example.com',
      jwtAudience: 'https://api.example.com/v2',
    });
    expect(parseConfig({ JWT_ISSUER: 'http://127.0.0.1:3000' }).issuerUrl).toBe('http://127.0.0.1:3000');
    expect(parseConfig({ JWT_ISSUER: 'acme-chat' })).toMatchObject({ jwtIssuer: 'acme-chat', issuerUrl: undefined });
  });

  it.each([
    'http://api.example.com',
    'https://api.example.com/?tenant=1',
    'https://api.example.com/#x',
    'https://user:pw@api.example.com',
    'ftp://x.example',
  ])('refuses the URL issuer %s', (issuer) => {
    const problems = problemsOf({ JWT_ISSUER: issuer });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JWT_ISSUER, when a URL, must be the server's public base URL: https:\/\//);
  });

  it('refuses an issuer or audience with spaces, control characters, or longer than 256', () => {
    expect(problemsOf({ JWT_ISSUER: 'chat shipper', JWT_AUDIENCE: 'a'.repeat(257) })).toEqual([
      'JWT_ISSUER must be 1 to 256 visible ASCII characters without spaces',
      'JWT_AUDIENCE must be 1 to 256 visible ASCII characters without spaces',
    ]);
    expect(problemsOf({ JWT_AUDIENCE: 'api\u0000' })).toHaveLength(1);
  });

  it('reads CLIENT_COMPAT=chatshipper-sdk and refuses other values', () => {
    expect(parseConfig({ CLIENT_COMPAT: 'ChatShipper-SDK' }).clientCompat).toBe('chatshipper-sdk');
    expect(problemsOf({ CLIENT_COMPAT: 'chipchat' })).toEqual(['CLIENT_COMPAT must be unset or one of chatshipper-sdk (got "chipchat")']);
  });

  it('reports every problem of a bad signing configuration at once', () => {
    expect(problemsOf({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: 'nope', JWT_ISSUER: 'http://evil.example', CLIENT_COMPAT: 'x' })).toHaveLength(3);
  });
});
