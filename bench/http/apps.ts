// The servers of the HTTP suite: one route, `GET /v2/conversations`, answering the same JSON in
// every case, bare or behind an authentication + authorization layer.
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import fastifyJwt from '@fastify/jwt';
import { Router } from '@koa/router';
import { createExpressAuth } from '@scopeladder/express';
import { scopeladderPlugin } from '@scopeladder/fastify';
import { createKoaAuth } from '@scopeladder/koa';
import { createRedisStore } from '@scopeladder/redis';
import express, { type ErrorRequestHandler } from 'express';
import { auth as oauth2Bearer, requiredScopes } from 'express-oauth2-jwt-bearer';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import Koa from 'koa';
import { AUDIENCE, ISSUER, createBenchDirectory, createHsService } from '../auth/fixtures.js';

export const ROUTE = '/v2/conversations';

/** What every case answers with 200. */
export const BODY = Object.freeze({
  data: [
    { id: '64c000000000000000000001', subject: 'Order 1042 has not arrived', status: 'open', organization: '64a000000000000000000001' },
    { id: '64c000000000000000000002', subject: 'Change of address', status: 'closed', organization: '64a000000000000000000001' },
    { id: '64c000000000000000000003', subject: 'Refund', status: 'open', organization: '64a000000000000000000001' },
  ],
});

/** One HTTP case. `guarded` cases must refuse a missing token (401) and a `guest` token (403). */
export interface HttpCase {
  readonly id: string;
  readonly framework: 'express' | 'fastify' | 'koa';
  readonly title: string;
  readonly guarded: boolean;
  /** The bare case this one is divided by. */
  readonly bare?: string | undefined;
}

export const HTTP_CASES: readonly HttpCase[] = [
  { id: 'express-bare', framework: 'express', title: 'bare route', guarded: false },
  {
    id: 'express-scopeladder',
    framework: 'express',
    title: "scopeladder: `auth.authorize('list', 'Conversation')`",
    guarded: true,
    bare: 'express-bare',
  },
  {
    id: 'express-scopeladder-nocache',
    framework: 'express',
    title: 'scopeladder, token cache off (`verifiedTokenCacheSize: 0`)',
    guarded: true,
    bare: 'express-bare',
  },
  {
    id: 'express-oauth2-jwt-bearer',
    framework: 'express',
    title: "express-oauth2-jwt-bearer: `auth({ secret, tokenSigningAlg: 'HS256' })` + `requiredScopes('agent')`",
    guarded: true,
    bare: 'express-bare',
  },
  { id: 'fastify-bare', framework: 'fastify', title: 'bare route', guarded: false },
  {
    id: 'fastify-scopeladder',
    framework: 'fastify',
    title: "scopeladder: route config `{ action: 'list', subject: 'Conversation' }`",
    guarded: true,
    bare: 'fastify-bare',
  },
  {
    id: 'fastify-scopeladder-nocache',
    framework: 'fastify',
    title: 'scopeladder, token cache off (`verifiedTokenCacheSize: 0`)',
    guarded: true,
    bare: 'fastify-bare',
  },
  {
    id: 'fastify-scopeladder-redis',
    framework: 'fastify',
    title: 'scopeladder on the Redis store (`REDIS_URL`), local revocation view on (the default)',
    guarded: true,
    bare: 'fastify-bare',
  },
  {
    id: 'fastify-scopeladder-redis-noview',
    framework: 'fastify',
    title: 'scopeladder on the Redis store, `localView: false` (a Redis round trip per request)',
    guarded: true,
    bare: 'fastify-bare',
  },
  {
    id: 'fastify-jwt',
    framework: 'fastify',
    title: '@fastify/jwt (defaults: no cache) + scope check in `onRequest`',
    guarded: true,
    bare: 'fastify-bare',
  },
  {
    id: 'fastify-jwt-cache',
    framework: 'fastify',
    title: '@fastify/jwt with `verify: { cache: true }` + scope check',
    guarded: true,
    bare: 'fastify-bare',
  },
  { id: 'koa-bare', framework: 'koa', title: 'bare route', guarded: false },
  { id: 'koa-scopeladder', framework: 'koa', title: "scopeladder: `auth.authorize('list', 'Conversation')`", guarded: true, bare: 'koa-bare' },
  {
    id: 'koa-scopeladder-nocache',
    framework: 'koa',
    title: 'scopeladder, token cache off (`verifiedTokenCacheSize: 0`)',
    guarded: true,
    bare: 'koa-bare',
  },
];

/** A listening server. */
export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

// Scopes that may list conversations (agent and up): the cascade, written by hand for the
// competitors whose scope checks are exact string matches.
const MAY_LIST_CONVERSATIONS: ReadonlySet<string> = new Set(['agent', 'bot', 'admin']);
function scopeAllows(scope: unknown): boolean {
  if (typeof scope !== 'string') return false;
  for (const token of scope.split(' ')) if (MAY_LIST_CONVERSATIONS.has(token)) return true;
  return false;
}

// Errors of the competitors' middleware as a small JSON answer (Express's default handler would
// print a stack page); not on the measured path, which only sees 200s.
const jsonErrors: ErrorRequestHandler = (error: { status?: number; headers?: Record<string, string>; code?: string }, _req, res, _next) => {
  res
    .status(error.status ?? 500)
    .set(error.headers ?? {})
    .json({ code: error.code ?? 'error' });
};

function listenNode(server: Server): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** Builds and starts the server of case `id` on 127.0.0.1 (a free port). */
export async function startCase(id: string, secret: string): Promise<RunningServer> {
  const nocache = id.endsWith('-nocache');
  const service = () => createBenchDirectory().then((directory) => createHsService(directory, secret, nocache ? { verifiedTokenCacheSize: 0 } : {}));
  switch (id) {
    case 'express-bare': {
      const app = express();
      app.get(ROUTE, (_req, res) => {
        res.json(BODY);
      });
      return listenNode(createServer(app));
    }
    case 'express-scopeladder':
    case 'express-scopeladder-nocache': {
      const auth = createExpressAuth({ service: await service() });
      const app = express();
      app.get(ROUTE, auth.authorize('list', 'Conversation'), (_req, res) => {
        res.json(BODY);
      });
      app.use(auth.errorHandler);
      return listenNode(createServer(app));
    }
    case 'express-oauth2-jwt-bearer': {
      const app = express();
      app.get(ROUTE, oauth2Bearer({ issuer: ISSUER, audience: AUDIENCE, secret, tokenSigningAlg: 'HS256' }), requiredScopes('agent'), (_req, res) => {
        res.json(BODY);
      });
      app.use(jsonErrors);
      return listenNode(createServer(app));
    }
    case 'fastify-bare': {
      const app = Fastify({ logger: false });
      app.get(ROUTE, async () => BODY);
      return listenFastify(app);
    }
    case 'fastify-scopeladder':
    case 'fastify-scopeladder-nocache': {
      const app = Fastify({ logger: false });
      await app.register(scopeladderPlugin, { service: await service(), tokenRoutes: false });
      app.get(ROUTE, { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, async () => BODY);
      return listenFastify(app);
    }
    case 'fastify-scopeladder-redis':
    case 'fastify-scopeladder-redis-noview': {
      // A store of its own under a unique prefix, deleted when the server closes.
      const redisUrl = process.env['REDIS_URL'] || 'redis://127.0.0.1:6379';
      const prefix = `scopeladder-bench:http:${Date.now().toString(36)}-${process.pid}:`;
      const store = createRedisStore({ url: redisUrl, prefix, ...(id.endsWith('-noview') ? { localView: false } : {}) });
      const directory = await createBenchDirectory();
      const app = Fastify({ logger: false });
      await app.register(scopeladderPlugin, { service: createHsService(directory, secret, { store }), tokenRoutes: false });
      app.get(ROUTE, { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, async () => BODY);
      const running = await listenFastify(app);
      return {
        port: running.port,
        async close() {
          await running.close();
          await store.close();
          const admin = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
          let cursor = '0';
          do {
            const [next, found] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
            cursor = next;
            if (found.length > 0) await admin.unlink(...found);
          } while (cursor !== '0');
          await admin.quit();
        },
      };
    }
    case 'fastify-jwt':
    case 'fastify-jwt-cache': {
      const app = Fastify({ logger: false });
      await app.register(fastifyJwt, {
        secret,
        verify: { allowedIss: ISSUER, allowedAud: AUDIENCE, algorithms: ['HS256'], ...(id === 'fastify-jwt-cache' ? { cache: true } : {}) },
      });
      app.get(
        ROUTE,
        {
          onRequest: async (request, reply) => {
            await request.jwtVerify();
            if (!scopeAllows((request.user as { scope?: unknown }).scope)) {
              return reply.code(403).send({ code: 'insufficient_scope' });
            }
          },
        },
        async () => BODY,
      );
      return listenFastify(app);
    }
    case 'koa-bare': {
      const app = new Koa();
      const router = new Router();
      router.get(ROUTE, (ctx) => {
        ctx.body = BODY;
      });
      app.use(router.routes());
      return listenNode(createServer(app.callback()));
    }
    case 'koa-scopeladder':
    case 'koa-scopeladder-nocache': {
      const auth = createKoaAuth({ service: await service() });
      const app = new Koa();
      const router = new Router();
      router.get(ROUTE, auth.authorize('list', 'Conversation'), (ctx) => {
        ctx.body = BODY;
      });
      app.use(auth.errorHandler).use(router.routes());
      return listenNode(createServer(app.callback()));
    }
    default:
      throw new Error(`unknown HTTP case: ${id}`);
  }
}

async function listenFastify(app: ReturnType<typeof Fastify>): Promise<RunningServer> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}
