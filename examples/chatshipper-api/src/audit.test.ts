// The audit log on the real channels and the real framework glue: an event published while a
// request is served (after its body was read, its caller authenticated and the guard passed)
// gets that request's id, the one the request line and the X-Request-Id answer carry.
import { channel } from 'node:diagnostics_channel';
import { createAuthService, hashPassword } from '@scopeladder/tokens';
import {
  AUTHENTICATE_CHANNEL,
  CREDENTIAL_CHANNEL,
  DECISION_CHANNEL,
  type CredentialEvent,
  type DecisionMessage,
} from '@scopeladder/tokens/diagnostics';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { subscribeAuditLog } from './audit.js';
import { ensureBootstrapAdmin } from './bootstrap.js';
import { currentRequestId } from './http/request-context.js';
import type { CreateFrameworkServer, FrameworkServer } from './http/types.js';
import type { LogLevelSetting } from './config.js';
import { createLogger, type Logger } from './log.js';
import { serverPolicy } from './policy.js';
import type { ApiRoute } from './routes.js';
import { createMemoryStorage } from './storage/memory.js';

type Line = Record<string, unknown>;

function captureLogger(level: LogLevelSetting = 'info'): { logger: Logger; lines: () => Line[] } {
  const written: string[] = [];
  const logger = createLogger({ out: (line) => written.push(line), err: (line) => written.push(line), level });
  return { logger, lines: () => written.map((line) => JSON.parse(line) as Line) };
}

const credentials = channel(CREDENTIAL_CHANNEL);
const stops: Array<() => void> = [];
afterEach(() => {
  while (stops.length > 0) stops.pop()?.();
});

describe('subscribeAuditLog', () => {
  it('writes one line per event with its ids and codes, at the level of its gravity, and stops when told', () => {
    const { logger, lines } = captureLogger();
    const stop = subscribeAuditLog({ logger, requestId: () => undefined });
    const reused: CredentialEvent = { version: 1, type: 'refresh.reused', userId: 'u1', sessionId: 's1', familyRevoked: true };
    credentials.publish(reused);
    credentials.publish({ version: 1, type: 'login.failed', userId: null, cause: 'password', code: 'ERR_INVALID_CREDENTIALS', source: '10.0.0.1' });
    credentials.publish({ version: 1, type: 'apikey.created', keyId: 'k1', userId: 'b1', scopes: ['bot'], organization: null });
    credentials.publish({ version: 1, type: 'store.unavailable' });
    stop();
    credentials.publish(reused);
    expect(lines().map(({ time: _time, ...line }) => line)).toEqual([
      { level: 'warn', event: 'refresh.reused', userId: 'u1', sessionId: 's1', familyRevoked: true, msg: 'audit' },
      { level: 'warn', event: 'login.failed', userId: null, cause: 'password', code: 'ERR_INVALID_CREDENTIALS', source: '10.0.0.1', msg: 'audit' },
      { level: 'info', event: 'apikey.created', keyId: 'k1', userId: 'b1', scopes: ['bot'], organization: null, msg: 'audit' },
      { level: 'error', event: 'store.unavailable', msg: 'audit' },
    ]);
  });

  it('never throws into the publisher, nor later as an uncaught exception, when a line cannot be written', async () => {
    const failing = captureLogger().logger;
    const broken: Logger = {
      ...failing,
      event: () => {
        throw new Error('disk full');
      },
    };
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown): void => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      stops.push(subscribeAuditLog({ logger: broken, requestId: () => undefined }));
      expect(() => credentials.publish({ version: 1, type: 'store.unavailable' })).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it('logs denials and failed authentications; allowed decisions and accepted credentials at debug only', () => {
    const denied: DecisionMessage = {
      version: 1,
      allowed: false,
      principalId: 'u1',
      principalKind: 'user',
      organization: null,
      action: 'list',
      subject: 'User',
      level: 'type',
      field: null,
      reason: 'insufficient_scope',
      requiredScope: 'admin',
      code: 'ERR_INSUFFICIENT_SCOPE',
      route: 'GET /v2/users',
    };
    const failed = {
      version: 1,
      ok: false,
      credential: 'jwt',
      code: 'ERR_TOKEN_EXPIRED',
      principalId: null,
      principalKind: null,
      organization: null,
      sessionId: null,
      keyId: null,
      durationMs: 0.1,
    };
    for (const level of ['info', 'debug'] as const) {
      const { logger, lines } = captureLogger(level);
      stops.push(subscribeAuditLog({ logger, requestId: () => 'r1' }));
      channel(DECISION_CHANNEL).publish(denied);
      channel(DECISION_CHANNEL).publish({ ...denied, allowed: true, reason: 'granted', requiredScope: null, code: null });
      channel(AUTHENTICATE_CHANNEL).publish(failed);
      channel(AUTHENTICATE_CHANNEL).publish({ ...failed, ok: true, code: null, principalId: 'u1', principalKind: 'user' });
      stops.pop()?.();
      const events = lines().map((line) => `${String(line['level'])} ${String(line['event'])} ${String(line['reqId'])}`);
      expect(events).toEqual(
        level === 'info'
          ? ['info decision.denied r1', 'info authenticate.failed r1']
          : ['info decision.denied r1', 'debug decision.allowed r1', 'info authenticate.failed r1', 'debug authenticate.succeeded r1'],
      );
      expect(lines()[0]).toMatchObject({
        principalId: 'u1',
        action: 'list',
        subject: 'User',
        checkedOn: 'type',
        reason: 'insufficient_scope',
        route: 'GET /v2/users',
      });
    }
  });

  it('keeps only flat, bounded values of a message', () => {
    const { logger, lines } = captureLogger();
    stops.push(subscribeAuditLog({ logger, requestId: () => undefined }));
    credentials.publish({ version: 1, type: 'some.future.event', nested: { secret: 'x' }, long: 'y'.repeat(500), list: [1, 2] });
    expect(lines()).toEqual([{ level: 'info', time: expect.any(String), event: 'some.future.event', long: `${'y'.repeat(200)}…`, msg: 'audit' }]);
  });
});

const FRAMEWORKS: ReadonlyArray<[string, () => Promise<CreateFrameworkServer>]> = [
  ['express', async () => (await import('./http/express.js')).createExpressServer],
  ['fastify', async () => (await import('./http/fastify.js')).createFastifyServer],
  ['koa', async () => (await import('./http/koa.js')).createKoaServer],
];

/** One auth service and one admin session for the three frameworks (password hashing is slow on purpose). */
const storage = createMemoryStorage();
const signedIn = (async () => {
  const auth = createAuthService({
    policy: serverPolicy,
    directory: storage.users,
    store: storage.tokenStore,
    keys: { algorithm: 'HS256', secret: 's'.repeat(32) },
  });
  await ensureBootstrapAdmin({
    users: storage.users,
    resources: storage.resources,
    email: 'admin@example.com',
    password: 'admin-password-1',
    hashPassword: (password) => hashPassword(password),
  });
  const { token } = await auth.login({ email: 'admin@example.com', password: 'admin-password-1' });
  return { auth, token };
})();
afterAll(() => storage.close());

describe.each(FRAMEWORKS)('the request id on %s', (_name, load) => {
  it('reaches the audit line of an event published by the handler, the request line and X-Request-Id', async () => {
    const { auth, token } = await signedIn;
    const { logger, lines } = captureLogger();
    stops.push(subscribeAuditLog({ logger, requestId: currentRequestId }));
    // A handler that publishes after the body was read, the caller authenticated and the guard passed.
    const route: ApiRoute = {
      method: 'POST',
      path: '/v2/conversations',
      action: 'create',
      subjectType: 'Conversation',
      byId: false,
      load: undefined,
      handle: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        credentials.publish({ version: 1, type: 'logout', userId: request.auth.principal.id, sessionId: 's1' });
        return { status: 201, body: { ok: true } };
      },
    };
    const createServer = await load();
    const server: FrameworkServer = await createServer({
      auth,
      routes: [route],
      logger,
      health: async () => ({ status: 200, body: {} }),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    try {
      const answers = await Promise.all(
        [1, 2].map(() =>
          fetch(`http://127.0.0.1:${port}/v2/conversations?secret=query-value`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-request-id': 'client-chosen' },
            body: JSON.stringify({ topic: 'x'.repeat(50_000) }),
          }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
      const ids = answers.map((answer) => answer.headers.get('x-request-id'));
      for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Set(ids).size).toBe(2);
      for (const id of ids) {
        const mine = lines().filter((line) => line['reqId'] === id);
        expect(mine.map((line) => line['msg'])).toEqual(['audit', 'request']);
        expect(mine[0]).toMatchObject({ event: 'logout', sessionId: 's1' });
        expect(mine[1]).toMatchObject({ method: 'POST', path: '/v2/conversations', status: 201, principalId: mine[0]?.['userId'] });
      }
      const text = lines()
        .map((line) => JSON.stringify(line))
        .join('\n');
      for (const secret of [token, 'query-value', 'client-chosen', 'admin-password-1']) expect(text).not.toContain(secret);
    } finally {
      await server.close(1_000);
    }
  });
});
