// The diagnostics channels through every adapter (docs/observability.md): one decision message
// per guarded request, naming the route's pattern (never the path), one authentication message
// per authenticated request; and the no-secret check (fixtures/secret-watch.ts) is not vacuous.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { AUTHENTICATE_CHANNEL, DECISION_CHANNEL, type AuthenticateMessage, type DecisionMessage } from '@scopeladder/tokens/diagnostics';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS } from './fixtures/adapters.js';
import { findLeaks, watched } from './fixtures/secret-watch.js';
import { startSession, type Session } from './fixtures/session.js';

let decisions: DecisionMessage[];
let authentications: AuthenticateMessage[];
const onDecision = (message: unknown): void => void decisions.push(message as DecisionMessage);
const onAuthenticate = (message: unknown): void => void authentications.push(message as AuthenticateMessage);
beforeEach(() => {
  decisions = [];
  authentications = [];
  subscribe(DECISION_CHANNEL, onDecision);
  subscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
});
afterEach(() => {
  unsubscribe(DECISION_CHANNEL, onDecision);
  unsubscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
});

describe.each(ADAPTERS)('diagnostics through $name', (adapter) => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession(adapter);
  });
  afterAll(async () => {
    await session.close();
  });

  it('a type-level denial: one decision with the route pattern, one authentication', async () => {
    const reply = await session.as('guest', '/v2/users');
    expect(reply.status).toBe(403);
    expect(decisions).toEqual([
      {
        version: 1,
        allowed: false,
        principalId: session.world.users.guest.id,
        principalKind: 'user',
        organization: expect.any(String),
        action: 'list',
        subject: 'User',
        level: 'type',
        field: null,
        reason: 'insufficient_scope',
        requiredScope: expect.any(String),
        code: 'ERR_INSUFFICIENT_SCOPE',
        route: 'GET /v2/users',
      },
    ]);
    expect(authentications.map((message) => [message.ok, message.credential, message.principalId])).toEqual([
      [true, 'jwt', session.world.users.guest.id],
    ]);
  });

  it('a record guard: one decision at the record, the pattern with :id (not the id)', async () => {
    const own = session.world.users.guest.id;
    const reply = await session.as('guest', `/v2/users/${own}`);
    expect(reply.status).toBe(200);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ allowed: true, level: 'record', reason: 'granted', route: 'GET /v2/users/:id' });
    expect(JSON.stringify(decisions)).not.toContain(`/v2/users/${own}`);
  });

  it('a create with a body (Fastify: precheck, then the full check): one decision', async () => {
    const reply = await session.as('admin', '/v2/contacts', { method: 'POST', json: { name: 'Zoe' } });
    expect(reply.status).toBe(201);
    expect(decisions.map((message) => [message.allowed, message.action, message.route])).toEqual([[true, 'create', 'POST /v2/contacts']]);
  });

  it('a request without a credential: one failed authentication, no decision', async () => {
    const reply = await session.send('/v2/users');
    expect(reply.status).toBe(401);
    expect(authentications.map((message) => [message.ok, message.code])).toEqual([[false, 'ERR_AUTH_REQUIRED']]);
    expect(decisions).toEqual([]);
  });
});

describe("an identity provider's token (createJwtVerifier)", () => {
  it('publishes its authentication as credential "provider", and a refused one too', async () => {
    const [adapter] = ADAPTERS;
    const session = await startSession(adapter!, { authentication: 'provider token' });
    try {
      expect((await session.as('agent', '/v2/conversations')).status).toBe(200);
      expect((await session.send('/v2/conversations', { headers: [['authorization', 'Bearer a.b.c']] })).status).toBe(401);
    } finally {
      await session.close();
    }
    const provider = authentications.filter((message) => message.credential === 'provider');
    expect(provider.map((message) => [message.ok, message.principalId === null ? null : 'someone'])).toEqual([
      [true, 'someone'],
      [false, null],
    ]);
    expect(decisions.map((message) => [message.allowed, message.route])).toEqual([[true, 'GET /v2/conversations']]);
  });
});

describe('the no-secret check over the conformance suite (fixtures/secret-watch.ts)', () => {
  it('collected the secrets this file used and the messages it published', () => {
    const { published, secrets } = watched();
    expect(secrets.size).toBeGreaterThan(10);
    expect(published.length).toBeGreaterThan(10);
  });

  it('finds a planted secret (so a leak fails the suite)', () => {
    const { secrets } = watched();
    const secret = [...secrets][0] as string;
    expect(findLeaks([JSON.stringify({ leaked: secret })], [secret])).toEqual([{ secret, message: JSON.stringify({ leaked: secret }) }]);
    expect(findLeaks(['{"principalId":"x"}'], [secret])).toEqual([]);
  });
});
