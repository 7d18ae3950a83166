// moduleResolution node10 (TypeScript's old `node`), which ignores `exports`: every entry point,
// subpaths included (through `typesVersions`), must still resolve to its types, and a callback
// typed by a subpath's types must not become an implicit `any`.
import { chatshipperPolicy } from '@scopeladder/core';
import { createAuthService, createMemoryDirectory } from '@scopeladder/tokens';
import { readJsonBody, type GuardSpec } from '@scopeladder/tokens/http';
import { DECISION_CHANNEL, type DecisionMessage } from '@scopeladder/tokens/diagnostics';
import { createScopeladderInstrumentation, type ScopeladderInstrumentation } from '@scopeladder/otel';
import { createExpressAuth } from '@scopeladder/express';
import { scopeladderPlugin } from '@scopeladder/fastify';
import { createKoaAuth } from '@scopeladder/koa';
import { createRedisStore } from '@scopeladder/redis';
import { assertDenyByDefault } from '@scopeladder/testing';
import { describeTokenStoreContract, type StoreContractFixture } from '@scopeladder/testing/store-contract';

const service = createAuthService({ directory: createMemoryDirectory([]), keys: { algorithm: 'HS256', secret: 'z'.repeat(32) } });
const auth = createExpressAuth({ service });
auth.authorize('fetch', 'User', { load: (req) => ({ id: String(req.params['id']) }) });
const spec: GuardSpec<unknown> | undefined = undefined;
const fixture: StoreContractFixture | undefined = undefined;
const decision: DecisionMessage | undefined = undefined;
const instrumentation: ScopeladderInstrumentation = createScopeladderInstrumentation();
void [
  chatshipperPolicy,
  readJsonBody,
  DECISION_CHANNEL,
  decision,
  instrumentation,
  spec,
  scopeladderPlugin,
  createKoaAuth,
  createRedisStore,
  assertDenyByDefault,
  describeTokenStoreContract,
  fixture,
];
