import type { DefaultState } from 'koa';
import { describe, expectTypeOf, it } from 'vitest';
import type { KoaAuth, KoaGuardContext, RequestAuth } from './index.js';

describe('@scopeladder/koa types', () => {
  it('augments Koa state with auth', () => {
    expectTypeOf<DefaultState['auth']>().toEqualTypeOf<RequestAuth | undefined>();
  });

  it('types the loader with router params', () => {
    type Options = NonNullable<Parameters<KoaAuth['authorize']>[2]>;
    expectTypeOf<Parameters<NonNullable<Options['load']>>[0]>().toEqualTypeOf<KoaGuardContext>();
    expectTypeOf<KoaGuardContext['params']>().toEqualTypeOf<Record<string, string>>();
  });
});
