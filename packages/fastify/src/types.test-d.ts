import type { FastifyContextConfig, FastifyInstance, FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import type { RequestAuth, ScopeladderFastifyDecorator, ScopeladderRouteConfig } from './index.js';

describe('@scopeladder/fastify types', () => {
  it('augments requests, route config and the instance', () => {
    expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<RequestAuth | null>();
    expectTypeOf<FastifyContextConfig['scopeladder']>().toEqualTypeOf<ScopeladderRouteConfig | undefined>();
    expectTypeOf<FastifyInstance['scopeladder']>().toEqualTypeOf<ScopeladderFastifyDecorator>();
  });

  it('accepts guards, true and false as route config', () => {
    expectTypeOf<{ action: 'list'; subject: 'User' }>().toExtend<ScopeladderRouteConfig>();
    expectTypeOf<false>().toExtend<ScopeladderRouteConfig>();
    expectTypeOf<{ action: 'list' }>().not.toExtend<ScopeladderRouteConfig>();
  });
});
