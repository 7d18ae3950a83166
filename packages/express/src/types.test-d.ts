import {
  definePolicy,
  type ListFilter,
  type ListFilterCondition,
  type ChatShipperAction,
  type ErrorCode,
  type ChatShipperResource,
  type Principal,
  type PolicyAbility,
} from '@scopeladder/core';
import { createAuthService, createJwtVerifier, createMemoryDirectory, type AuthService } from '@scopeladder/tokens';
import type { Request } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import { createExpressAuth, type ExpressAuth, type RequestAuth } from './index.js';

const keys = { algorithm: 'HS256', secret: 'x'.repeat(32) } as const;
const notesPolicy = definePolicy({
  scopes: ['reader', 'owner'],
  matrix: { Note: { read: 'reader', write: { any: 'owner', self: 'reader' } } },
} as const);

describe('@scopeladder/express types', () => {
  it('augments Express requests with auth', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<RequestAuth | undefined>();
    expectTypeOf<RequestAuth['principal']>().toEqualTypeOf<Principal>();
    expectTypeOf<RequestAuth['resource']>().toEqualTypeOf<unknown>();
  });

  it("hands a list guard's handler core's ListFilter as req.auth.filter", () => {
    const req = {} as Request;
    expectTypeOf<RequestAuth['filter']>().toEqualTypeOf<ListFilter>();
    const rows = [{ id: 'k1', organizationPath: 'r1#c1' }];
    // After a list guard, in one line: no `!` on the filter, only on the possibly unauthenticated req.auth.
    expectTypeOf(rows.filter(req.auth!.filter.matches)).toEqualTypeOf<typeof rows>();
    const filter = req.auth!.filter;
    if (filter.kind === 'condition') {
      expectTypeOf(filter.query).toEqualTypeOf<ListFilterCondition['query']>();
      expectTypeOf(filter.prisma).toEqualTypeOf<Record<string, unknown>>();
    }
    // @ts-expect-error the filter is read-only: a handler cannot widen what it may list
    req.auth!.filter = { kind: 'all', matches: () => true };
    // @ts-expect-error a filter has no `kind: 'some'`
    expectTypeOf<typeof filter>().toExtend<{ kind: 'some' }>();
  });

  it('types the loader with the Express request', () => {
    type Options = NonNullable<Parameters<ExpressAuth['authorize']>[2]>;
    expectTypeOf<Parameters<NonNullable<Options['load']>>[0]>().toEqualTypeOf<Request>();
  });

  it('checks guards against the service policy (ChatShipper by default)', () => {
    const service = createAuthService({ directory: createMemoryDirectory([]), keys });
    const auth = createExpressAuth({ service });
    auth.authorize('list', 'Conversation');
    auth.authorize('update', 'User', { load: (req) => ({ id: String(req.params.id) }), fields: ['name'] });
    // @ts-expect-error 'Conversaton' is not a subject type of the policy
    auth.authorize('list', 'Conversaton');
    // @ts-expect-error 'lsit' is not an action of the policy
    auth.authorize('lsit', 'Conversation');
    // @ts-expect-error a resource of another policy
    auth.authorize('read', 'Note');
    expectTypeOf(createExpressAuth({ service })).toEqualTypeOf<ExpressAuth>();
  });

  it('checks service.policy and req.auth.ability', () => {
    const service = createAuthService({ directory: createMemoryDirectory([]), keys });
    const principal: Principal = { id: 'u1', scopes: ['guest'] };
    service.policy.can(principal, 'list', 'Conversation');
    // @ts-expect-error 'lsit' is not an action
    service.policy.can(principal, 'lsit', 'Conversation');
    const req = {} as Request;
    req.auth?.ability.can('list', 'Conversation');
    // @ts-expect-error 'lsit' is not an action
    req.auth?.ability.can('lsit', 'Conversation');
    // @ts-expect-error 'Conversaton' is not a subject type
    req.auth?.ability.can('list', 'Conversaton');
    expectTypeOf<RequestAuth['ability']>().toEqualTypeOf<PolicyAbility<ChatShipperAction, ChatShipperResource>>();
  });

  it('carries a custom policy through the service into the guards', () => {
    const service = createAuthService({ policy: notesPolicy, directory: createMemoryDirectory([]), keys });
    expectTypeOf(service).toEqualTypeOf<AuthService<typeof notesPolicy>>();
    const auth = createExpressAuth({ service });
    auth.authorize('read', 'Note');
    auth.authorize('write', 'Note', { load: () => ({ id: 'n1' }) });
    // @ts-expect-error 'list' is not an action of the notes policy
    auth.authorize('list', 'Note');
    // @ts-expect-error 'Conversation' is not a subject type of the notes policy
    auth.authorize('read', 'Conversation');
    // @ts-expect-error 'raed' is not an action of the notes policy
    service.policy.can({ id: 'u1', scopes: ['reader'] }, 'raed', 'Note');
  });

  it('types formatError from the core answer, and the discoveryRoutes options', () => {
    const service = createAuthService({ directory: createMemoryDirectory([]), keys: { algorithm: 'HS256', secret: 'x'.repeat(32) } });
    const auth = createExpressAuth({
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
    createExpressAuth({ service, formatError: 'json' });
  });

  it("with resolvePrincipal, the policy's own actions and subject types flow into the guards, as with a service", () => {
    const auth = createExpressAuth({
      policy: notesPolicy,
      resolvePrincipal: (req) => (req.headers['x-user'] ? { id: 'u1', scopes: ['reader'] } : null),
    });
    auth.authorize('read', 'Note');
    // @ts-expect-error 'list' is not an action of the notes policy
    auth.authorize('list', 'Note');
    createExpressAuth({ policy: notesPolicy, resolvePrincipal: async () => null, http: { expiredTokenStatus: 401 } });
    const service = createAuthService({ directory: createMemoryDirectory([]), keys: { algorithm: 'HS256', secret: 'x'.repeat(32) } });
    // @ts-expect-error exactly one of service or resolvePrincipal + policy
    createExpressAuth({ service, policy: notesPolicy, resolvePrincipal: () => null });
    // @ts-expect-error resolvePrincipal needs the policy
    createExpressAuth({ resolvePrincipal: () => null });
    // @ts-expect-error resolvePrincipal returns a principal, not a user record
    createExpressAuth({ policy: notesPolicy, resolvePrincipal: () => ({ name: 'Ada' }) });
  });

  it('takes a createJwtVerifier as the service, with its policy', () => {
    const verifier = createJwtVerifier({
      policy: notesPolicy,
      issuer: 'https://idp.example/',
      audience: 'api',
      algorithms: ['RS256'],
      jwks: new URL('https://idp.example/jwks.json'),
      typ: 'JWT',
      scopes: { claim: 'scope', map: { 'notes:read': 'reader' } },
    });
    const auth = createExpressAuth({ service: verifier });
    auth.authorize('write', 'Note');
    // @ts-expect-error 'Conversation' is not a subject type of the notes policy
    auth.authorize('read', 'Conversation');
  });
});
