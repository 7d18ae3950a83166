import type { Principal } from '@scopeladder/core';
import type { Request } from 'express';
import { describe, expectTypeOf, it } from 'vitest';
import type { ExpressAuth, RequestAuth } from './index.js';

describe('@scopeladder/express types', () => {
  it('augments Express requests with auth', () => {
    expectTypeOf<Request['auth']>().toEqualTypeOf<RequestAuth | undefined>();
    expectTypeOf<RequestAuth['principal']>().toEqualTypeOf<Principal>();
    expectTypeOf<RequestAuth['resource']>().toEqualTypeOf<unknown>();
  });

  it('types the loader with the Express request', () => {
    type Options = NonNullable<Parameters<ExpressAuth['authorize']>[2]>;
    expectTypeOf<Parameters<NonNullable<Options['load']>>[0]>().toEqualTypeOf<Request>();
  });
});
