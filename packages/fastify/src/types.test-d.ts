import {
  chatshipperPolicy,
  type ListFilter,
  type ListFilterCondition,
  type ChatShipperAction,
  type ChatShipperResource,
  type PolicyAbility,
} from '@scopeladder/core';
import { createAuthService, createMemoryDirectory } from '@scopeladder/tokens';
import Fastify, { type FastifyContextConfig, type FastifyInstance, type FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import scopeladder, { type RequestAuth, type ScopeladderFastifyDecorator, type ScopeladderRouteConfig } from './index.js';

describe('@scopeladder/fastify types', () => {
  it('augments requests, route config and the instance', () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<RequestAuth | null>();
    expectTypeOf<FastifyContextConfig['scopeladder']>().toEqualTypeOf<ScopeladderRouteConfig | undefined>();
    expectTypeOf<FastifyInstance['scopeladder']>().toEqualTypeOf<ScopeladderFastifyDecorator>();
  });

  it("hands a list guard's handler core's ListFilter as request.auth.filter", () => {
    const request = {} as FastifyRequest;
    expectTypeOf<RequestAuth['filter']>().toEqualTypeOf<ListFilter>();
    const rows = [{ id: 'k1', organizationPath: 'r1#c1' }];
    // After a list guard, in one line: no `!` on the filter, only on the possibly unauthenticated request.auth.
    expectTypeOf(rows.filter(request.auth!.filter.matches)).toEqualTypeOf<typeof rows>();
    const filter = request.auth!.filter;
    if (filter.kind === 'condition') {
      expectTypeOf(filter.query).toEqualTypeOf<ListFilterCondition['query']>();
      expectTypeOf(filter.prisma).toEqualTypeOf<Record<string, unknown>>();
    }
    // @ts-expect-error the filter is read-only: a handler cannot widen what it may list
    request.auth!.filter = { kind: 'all', matches: () => true };
    // @ts-expect-error a filter has no `kind: 'some'`
    expectTypeOf<typeof filter>().toExtend<{ kind: 'some' }>();
  });

  it('accepts guards, true and false as route config', () => {
    expectTypeOf<{ action: 'list'; subject: 'User' }>().toExtend<ScopeladderRouteConfig>();
    expectTypeOf<false>().toExtend<ScopeladderRouteConfig>();
    expectTypeOf<{ action: 'list' }>().not.toExtend<ScopeladderRouteConfig>();
  });

  it('checks route guards against the policy (ChatShipper by default)', () => {
    expectTypeOf<{ action: 'list'; subject: 'Conversations' }>().not.toExtend<ScopeladderRouteConfig>();
    expectTypeOf<{ action: 'lsit'; subject: 'Conversation' }>().not.toExtend<ScopeladderRouteConfig>();
    const app = Fastify();
    app.get('/v2/conversations', { config: { scopeladder: { action: 'list', subject: 'Conversation' } } }, () => []);
    // @ts-expect-error 'Conversations' is not a subject type of the policy
    app.get('/v2/conversations', { config: { scopeladder: { action: 'list', subject: 'Conversations' } } }, () => []);
    // @ts-expect-error 'lsit' is not an action of the policy
    app.get('/v2/conversations', { config: { scopeladder: { action: 'lsit', subject: 'Conversation' } } }, () => []);
    app.get(
      '/v2/users/:id',
      { config: { scopeladder: { action: 'fetch', subject: 'User', load: (request) => ({ id: request.params.id }) } } },
      () => ({}),
    );
  });

  it('checks request.auth.ability and fastify.scopeladder.policy', async () => {
    const app = Fastify();
    await app.register(scopeladder, {
      service: createAuthService({ directory: createMemoryDirectory([]), keys: { algorithm: 'HS256', secret: 'x'.repeat(32) } }),
    });
    app.get('/v2/me', { config: { scopeladder: true } }, (request) => {
      request.auth?.ability.can('list', 'Conversation');
      // @ts-expect-error 'lsit' is not an action
      request.auth?.ability.can('lsit', 'Conversation');
      // @ts-expect-error 'Conversations' is not a subject type
      request.auth?.ability.can('list', 'Conversations');
      return {};
    });
    const principal = { id: 'u1', scopes: ['guest'] };
    app.scopeladder.policy.can(principal, 'list', 'User');
    // @ts-expect-error 'lsit' is not an action
    app.scopeladder.policy.can(principal, 'lsit', 'User');
    app.scopeladder.service?.policy.can(principal, 'list', 'User');
    expectTypeOf<RequestAuth['ability']>().toEqualTypeOf<PolicyAbility<ChatShipperAction, ChatShipperResource>>();
  });

  it('takes resolvePrincipal with the policy, and never both ways to authenticate', async () => {
    const app = Fastify();
    const resolvePrincipal = (request: FastifyRequest) => (request.headers['x-user'] === 'u1' ? { id: 'u1', scopes: ['agent'] } : null);
    await app.register(scopeladder, { policy: chatshipperPolicy, resolvePrincipal, authenticate: 'guarded' });
    const service = createAuthService({ directory: createMemoryDirectory([]), keys: { algorithm: 'HS256', secret: 'x'.repeat(32) } });
    // @ts-expect-error either service or resolvePrincipal + policy
    await app.register(scopeladder, { service, resolvePrincipal });
    // @ts-expect-error resolvePrincipal needs the policy
    await app.register(scopeladder, { resolvePrincipal });
  });
});
