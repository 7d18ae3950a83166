// The CommonJS side of the TypeScript consumer (node16 and nodenext): a `.cts` file, so every
// import below is a `require` and resolves the packages' `require` conditions (`.d.cts` types).
import { chatshipperPolicy, isScopeladderError, type Principal } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory } from '@scopeladder/tokens';
import { readJsonBody } from '@scopeladder/tokens/http';
import { CREDENTIAL_CHANNEL, type AuthenticateMessage } from '@scopeladder/tokens/diagnostics';
import { createScopeladderInstrumentation } from '@scopeladder/otel';
import { createExpressAuth } from '@scopeladder/express';
import scopeladderPlugin = require('@scopeladder/fastify');
import { createKoaAuth } from '@scopeladder/koa';
import { createRedisStore } from '@scopeladder/redis';
import { assertDenyByDefault } from '@scopeladder/testing';
import type { StoreContractFixture } from '@scopeladder/testing/store-contract';

const guest: Principal = { id: 'g', scopes: ['guest'] };
const canList: boolean = chatshipperPolicy.can(guest, 'list', 'User');
const service = createAuthService({ directory: createMemoryDirectory([]), keys: { algorithm: 'HS256', secret: 'y'.repeat(32) } });
const adapters = [createExpressAuth({ service }), scopeladderPlugin.scopeladderPlugin, createKoaAuth({ service })];
const fixture: StoreContractFixture | undefined = undefined;
const authenticated: AuthenticateMessage | undefined = undefined;
void [
  canList,
  adapters,
  fixture,
  authenticated,
  createScopeladderInstrumentation,
  CREDENTIAL_CHANNEL,
  readJsonBody,
  createRedisStore,
  assertDenyByDefault,
  isScopeladderError,
];

// @ts-expect-error 'fecth' is not an action of the ChatShipper policy
chatshipperPolicy.can(guest, 'fecth', 'User');
