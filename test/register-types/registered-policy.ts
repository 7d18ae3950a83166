// Type tests of `Register` (checked by `pnpm typecheck` as their own program, see tsconfig.json):
// an application that registers its own policy gets its names, and only its names, in every
// adapter's request augmentation, route config and guards.
import { definePolicy, type PolicyAbility, type Principal } from '@scopeladder/core';
import { createExpressAuth } from '@scopeladder/express';
import scopeladder, { type ScopeladderRouteConfig } from '@scopeladder/fastify';
import { createKoaAuth } from '@scopeladder/koa';
import { createAuthService, createMemoryDirectory, type AuthContext, type AuthService, type RegisteredPolicy } from '@scopeladder/tokens';
import { Router } from '@koa/router';
import type { Request } from 'express';
import Fastify from 'fastify';
import type { DefaultState } from 'koa';
import { expectTypeOf } from 'vitest';

export const notesPolicy = definePolicy({
  scopes: ['reader', 'writer', 'owner'],
  matrix: { Note: { read: 'reader', write: { any: 'owner', self: 'writer' } }, Notebook: { read: 'reader', write: 'owner' } },
} as const);

declare module '@scopeladder/tokens' {
  interface Register {
    policy: typeof notesPolicy;
  }
}

type NotesAbility = PolicyAbility<'read' | 'write', 'Note' | 'Notebook'>;
expectTypeOf<RegisteredPolicy>().toEqualTypeOf<typeof notesPolicy>();
expectTypeOf<AuthContext['ability']>().toEqualTypeOf<NotesAbility>();

const service = createAuthService({
  policy: notesPolicy,
  directory: createMemoryDirectory([]),
  keys: { algorithm: 'HS256', secret: 'x'.repeat(32) },
});
expectTypeOf(service).toEqualTypeOf<AuthService>();
const principal: Principal = { id: 'u1', scopes: ['reader'] };
service.policy.can(principal, 'read', 'Note');
// @ts-expect-error 'raed' is not an action of the notes policy
service.policy.can(principal, 'raed', 'Note');
// @ts-expect-error a ChatShipper subject type is not the registered policy's
service.policy.can(principal, 'read', 'Conversation');

// A service without a policy is ChatShipper's (the run-time default), not the registered one's.
const chatshipperService = createAuthService({ directory: createMemoryDirectory([]), keys: { algorithm: 'HS256', secret: 'x'.repeat(32) } });
// @ts-expect-error not of the registered policy
export const mismatched: AuthService = chatshipperService;

// Express: guards from the service, `req.auth` from the registration.
const expressAuth = createExpressAuth({ service });
expressAuth.authorize('write', 'Note', { load: (req) => ({ id: String(req.params.id) }) });
// @ts-expect-error 'Notes' is not a subject type
expressAuth.authorize('write', 'Notes');
expectTypeOf<NonNullable<Request['auth']>['ability']>().toEqualTypeOf<NotesAbility>();
export function expressHandler(req: Request): boolean {
  // @ts-expect-error 'list' is not an action of the notes policy
  req.auth?.ability.can('list', 'Note');
  return req.auth?.ability.can('read', 'Notebook') ?? false;
}

// Fastify: the route config and `request.auth`.
export async function fastifyApp(): Promise<void> {
  const app = Fastify();
  await app.register(scopeladder, { service });
  app.get('/notes', { config: { scopeladder: { action: 'read', subject: 'Note' } } }, (request) => {
    // @ts-expect-error 'Conversation' is not a subject type of the notes policy
    request.auth?.ability.can('read', 'Conversation');
    return request.auth?.ability.can('read', 'Note');
  });
  // @ts-expect-error 'Notes' is not a subject type of the notes policy
  app.get('/notes2', { config: { scopeladder: { action: 'read', subject: 'Notes' } } }, () => []);
  // @ts-expect-error a service of another policy than the registered one
  await Fastify().register(scopeladder, { service: chatshipperService });
  expectTypeOf<{ action: 'list'; subject: 'Conversation' }>().not.toExtend<ScopeladderRouteConfig>();
}

// Koa: guards from the service, `ctx.state.auth` from the registration.
const koaAuth = createKoaAuth({ service });
const router = new Router();
router.get('/notes', koaAuth.authorize('read', 'Note'), (ctx) => {
  // @ts-expect-error 'lsit' is not an action
  ctx.state.auth?.ability.can('lsit', 'Note');
  ctx.body = ctx.state.auth?.ability.can('read', 'Note');
});
// @ts-expect-error 'delete' is not an action of the notes policy
koaAuth.authorize('delete', 'Note');
expectTypeOf<NonNullable<DefaultState['auth']>['ability']>().toEqualTypeOf<NotesAbility>();
