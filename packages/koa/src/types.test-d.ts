import {
  definePolicy,
  type ListFilter,
  type ListFilterCondition,
  type ChatShipperAction,
  type ErrorCode,
  type ChatShipperResource,
  type PolicyAbility,
} from '@scopeladder/core';
import { createAuthService, createMemoryDirectory } from '@scopeladder/tokens';
import { Router } from '@koa/router';
import type { DefaultState } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import { createKoaAuth, type KoaAuth, type KoaGuardContext, type RequestAuth } from './index.js';

const keys = { algorithm: 'HS256', secret: 'x'.repeat(32) } as const;

describe('@scopeladder/koa types', () => {
  it('augments Koa state with auth', () => {
    expectTypeOf<DefaultState['auth']>().toEqualTypeOf<RequestAuth | undefined>();
  });

  it("hands a list guard's handler core's ListFilter as ctx.state.auth.filter", () => {
    const ctx = { state: {} as DefaultState };
    expectTypeOf<RequestAuth['filter']>().toEqualTypeOf<ListFilter>();
    const rows = [{ id: 'k1', organizationPath: 'r1#c1' }];
    // After a list guard, in one line: no `!` on the filter, only on the possibly unauthenticated ctx.state.auth.
    expectTypeOf(rows.filter(ctx.state.auth!.filter.matches)).toEqualTypeOf<typeof rows>();
    const filter = ctx.state.auth!.filter;
    if (filter.kind === 'condition') {
      expectTypeOf(filter.query).toEqualTypeOf<ListFilterCondition['query']>();
      expectTypeOf(filter.prisma).toEqualTypeOf<Record<string, unknown>>();
    }
    // @ts-expect-error the filter is read-only: a handler cannot widen what it may list
    ctx.state.auth!.filter = { kind: 'all', matches: () => true };
    // @ts-expect-error a filter has no `kind: 'some'`
    expectTypeOf<typeof filter>().toExtend<{ kind: 'some' }>();
  });

  it('types the loader with router params', () => {
    type Options = NonNullable<Parameters<KoaAuth['authorize']>[2]>;
    expectTypeOf<Parameters<NonNullable<Options['load']>>[0]>().toEqualTypeOf<KoaGuardContext>();
    expectTypeOf<KoaGuardContext['params']>().toEqualTypeOf<Record<string, string>>();
  });

  it('checks guards, service.policy and ctx.state.auth.ability (ChatShipper by default)', () => {
    const service = createAuthService({ directory: createMemoryDirectory([]), keys });
    const auth = createKoaAuth({ service });
    const router = new Router();
    router.get('/v2/conversations', auth.authorize('list', 'Conversation'), (ctx) => {
      ctx.state.auth?.ability.can('list', 'Conversation');
      // @ts-expect-error 'lsit' is not an action
      ctx.state.auth?.ability.can('lsit', 'Conversation');
      // @ts-expect-error 'Conversaton' is not a subject type
      ctx.state.auth?.ability.can('list', 'Conversaton');
    });
    // @ts-expect-error 'Conversaton' is not a subject type of the policy
    auth.authorize('list', 'Conversaton');
    // @ts-expect-error 'lsit' is not an action of the policy
    auth.authorize('lsit', 'Conversation');
    // @ts-expect-error 'lsit' is not an action
    service.policy.can({ id: 'u1', scopes: ['guest'] }, 'lsit', 'User');
    expectTypeOf<RequestAuth['ability']>().toEqualTypeOf<PolicyAbility<ChatShipperAction, ChatShipperResource>>();
  });

  it('carries a custom policy through the service into the guards', () => {
    const notesPolicy = definePolicy({ scopes: ['reader', 'owner'], matrix: { Note: { read: 'reader', write: 'owner' } } } as const);
    const auth = createKoaAuth({ service: createAuthService({ policy: notesPolicy, directory: createMemoryDirectory([]), keys }) });
    auth.authorize('write', 'Note', { load: (ctx) => ({ id: ctx.params.id }) });
    // @ts-expect-error 'Conversation' is not a subject type of the notes policy
    auth.authorize('list', 'Conversation');
  });

  it('types formatError from the core answer, and the discoveryRoutes options', () => {
    const service = createAuthService({ directory: createMemoryDirectory([]), keys: { algorithm: 'HS256', secret: 'x'.repeat(32) } });
    const auth = createKoaAuth({
      service,
      formatError: (answer, error) => {
        expectTypeOf(answer.body.code).toEqualTypeOf<ErrorCode>();
        expectTypeOf(error).toBeUnknown();
        return { error: { message: answer.body.message } };
      },
    });
    auth.discoveryRoutes({ issuer: 'https://api.example.com', protectedResource: { resource: 'https://api.example.com' } });
    // @ts-expect-error the issuer is required
    auth.discoveryRoutes({});
    // @ts-expect-error formatError is a function
    createKoaAuth({ service, formatError: 'json' });
  });
});
