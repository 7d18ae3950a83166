// Guard decisions on scopeladder:decision: one message per guard check that reached a decision,
// from decideGuard, runGuard and decidePrecheck alike (the three adapters share them).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DECISION_CHANNEL, type DecisionMessage } from '../diagnostics/index.js';
import type { AuthContext } from '../service-types.js';
import type { AnyPolicy } from '../register.js';
import { IDS, ORG, PASSWORD, expectCode, setup } from '../test-fixtures.js';
import { decideGuard } from './decide-guard.js';
import { decidePrecheck } from './decide-precheck.js';
import type { GuardSpec } from './guard-types.js';
import { runGuard } from './run-guard.js';

interface FakeRequest {
  readonly id?: string;
  readonly routeCalls: { count: number };
}

let decisions: DecisionMessage[];
const onDecision = (message: unknown): void => void decisions.push(message as DecisionMessage);
beforeEach(() => {
  decisions = [];
  subscribe(DECISION_CHANNEL, onDecision);
});
afterEach(() => unsubscribe(DECISION_CHANNEL, onDecision));

async function signIn(email: string): Promise<{ auth: AuthContext<AnyPolicy>; policy: AnyPolicy }> {
  const { auth: service } = await setup();
  const session = await service.login({ email, password: PASSWORD });
  return { auth: await service.authenticate(`Bearer ${session.token}`), policy: service.policy };
}

const request = (id?: string): FakeRequest => ({ ...(id === undefined ? {} : { id }), routeCalls: { count: 0 } });
const route = (req: FakeRequest): string => {
  req.routeCalls.count += 1;
  return 'GET /v2/things/:id';
};
const base = {
  version: 1,
  principalId: IDS.agent,
  principalKind: 'user',
  organization: ORG,
  route: 'GET /v2/things/:id',
} as const;
const users = new Map([
  [IDS.agent, { id: IDS.agent, organizationPaths: [ORG] }],
  ['other', { id: 'other', organizationPaths: [ORG] }],
  ['foreign', { id: 'foreign', organizationPaths: ['elsewhere'] }],
]);
const loadUser = (req: FakeRequest) => (req.id === undefined ? undefined : users.get(req.id));

describe('scopeladder:decision', () => {
  it('a type-level guard allowed: once, reason granted, no code, the route', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    expect(decideGuard(auth, policy, { action: 'list', subject: 'Conversation' }, request(), undefined, route)).toBeUndefined();
    expect(decisions).toEqual([
      {
        ...base,
        allowed: true,
        action: 'list',
        subject: 'Conversation',
        level: 'type',
        field: null,
        reason: 'granted',
        requiredScope: null,
        code: null,
      },
    ]);
  });

  it('a type-level guard denied: once, with the reason, the required scope and the code', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    expect(() => decideGuard(auth, policy, { action: 'delete', subject: 'User' }, request(), undefined, route)).toThrow();
    expect(decisions).toEqual([
      {
        ...base,
        allowed: false,
        action: 'delete',
        subject: 'User',
        level: 'type',
        field: null,
        reason: 'insufficient_scope',
        requiredScope: 'admin',
        code: 'ERR_INSUFFICIENT_SCOPE',
      },
    ]);
  });

  it('a record guard: allowed on its own record, not_self on another, not_found outside the organization', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    const spec: GuardSpec<FakeRequest> = { action: 'update', subject: 'User', load: loadUser, fields: ['name'] };
    await decideGuard(auth, policy, spec, request(IDS.agent), undefined, route);
    await expectCode(runGuard(auth, policy, spec, request('other'), undefined, route), 'ERR_INSUFFICIENT_SCOPE');
    await expectCode(runGuard(auth, policy, spec, request('foreign'), undefined, route), 'ERR_INSUFFICIENT_SCOPE');
    const common = { ...base, action: 'update', subject: 'User' } as const;
    expect(decisions).toEqual([
      { ...common, allowed: true, level: 'record', field: null, reason: 'granted', requiredScope: null, code: null },
      { ...common, allowed: false, level: 'record', field: 'name', reason: 'not_self', requiredScope: 'admin', code: 'ERR_INSUFFICIENT_SCOPE' },
      // Outside the organization: answered like a missing record (the type-level denial here).
      { ...common, allowed: false, level: 'record', field: null, reason: 'not_self', requiredScope: 'admin', code: 'ERR_INSUFFICIENT_SCOPE' },
    ]);
  });

  it('a field denial names the field', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    const spec: GuardSpec<FakeRequest> = { action: 'update', subject: 'User', load: loadUser };
    await expectCode(runGuard(auth, policy, spec, request(IDS.agent), { role: 'admin' }, route), 'ERR_INSUFFICIENT_SCOPE');
    expect(decisions).toEqual([
      {
        ...base,
        allowed: false,
        action: 'update',
        subject: 'User',
        level: 'record',
        field: 'role',
        reason: 'field_not_permitted',
        requiredScope: 'admin',
        code: 'ERR_INSUFFICIENT_SCOPE',
      },
    ]);
  });

  it('a missing record: not_found when the type allows it, the type-level denial otherwise — once each', async () => {
    const admin = await signIn('admin@example.com');
    await expectCode(
      runGuard(admin.auth, admin.policy, { action: 'fetch', subject: 'User', load: loadUser }, request('missing'), undefined, route),
      'ERR_NOT_FOUND',
    );
    const agent = await signIn('agent@example.com');
    await expectCode(
      runGuard(agent.auth, agent.policy, { action: 'delete', subject: 'User', load: loadUser }, request('missing'), undefined, route),
      'ERR_INSUFFICIENT_SCOPE',
    );
    expect(decisions).toEqual([
      {
        ...base,
        principalId: IDS.admin,
        allowed: false,
        action: 'fetch',
        subject: 'User',
        level: 'record',
        field: null,
        reason: 'not_found',
        requiredScope: null,
        code: 'ERR_NOT_FOUND',
      },
      {
        ...base,
        allowed: false,
        action: 'delete',
        subject: 'User',
        level: 'type',
        field: null,
        reason: 'insufficient_scope',
        requiredScope: 'admin',
        code: 'ERR_INSUFFICIENT_SCOPE',
      },
    ]);
  });

  it('observed or not, a missing record is "<Subject> not found", word for word', async () => {
    const admin = await signIn('admin@example.com');
    const spec = { action: 'fetch', subject: 'User', load: loadUser } as const;
    const observed = await expectCode(runGuard(admin.auth, admin.policy, spec, request('missing'), undefined, route), 'ERR_NOT_FOUND');
    unsubscribe(DECISION_CHANNEL, onDecision);
    try {
      const quiet = await expectCode(runGuard(admin.auth, admin.policy, spec, request('missing'), undefined, route), 'ERR_NOT_FOUND');
      expect([observed.message, quiet.message]).toEqual(['User not found', 'User not found']);
    } finally {
      subscribe(DECISION_CHANNEL, onDecision);
    }
  });

  it('runGuard without load: a type-level decision, level type', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    expect(await runGuard(auth, policy, { action: 'list', subject: 'Conversation' }, request(), undefined, route)).toBeUndefined();
    await expectCode(runGuard(auth, policy, { action: 'delete', subject: 'User' }, request(), undefined, route), 'ERR_INSUFFICIENT_SCOPE');
    expect(decisions.map(({ allowed, level, subject }) => ({ allowed, level, subject }))).toEqual([
      { allowed: true, level: 'type', subject: 'Conversation' },
      { allowed: false, level: 'type', subject: 'User' },
    ]);
  });

  it('no decision, no message: a refused field name, a body that is not an object, a failing load', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    expect(() => decideGuard(auth, policy, { action: 'create', subject: 'Contact' }, request(), { 'ro\u0000le': 1 }, route)).toThrow();
    expect(() => decideGuard(auth, policy, { action: 'create', subject: 'Contact' }, request(), [1], route)).toThrow();
    const failing: GuardSpec<FakeRequest> = { action: 'fetch', subject: 'User', load: () => Promise.reject(new Error('db down')) };
    await expect(runGuard(auth, policy, failing, request('x'), undefined, route)).rejects.toThrow('db down');
    expect(decisions).toEqual([]);
  });

  it('decidePrecheck: publishes when it is the whole decision or a denial; else the full check publishes — once per request', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    const complete: GuardSpec<never> = { action: 'list', subject: 'Conversation' };
    decidePrecheck(auth, policy, complete, request(), route);
    expect(decisions.map((message) => [message.allowed, message.level])).toEqual([[true, 'type']]);

    decisions.length = 0;
    const admin = await signIn('admin@example.com');
    const partial: GuardSpec<FakeRequest> = { action: 'create', subject: 'User' };
    decidePrecheck(admin.auth, admin.policy, partial as GuardSpec<never>, request(), route);
    expect(decisions).toEqual([]);
    decideGuard(admin.auth, admin.policy, partial, request(), { name: 'x' }, route);
    expect(decisions.map((message) => [message.allowed, message.principalId])).toEqual([[true, IDS.admin]]);

    decisions.length = 0;
    expect(() => decidePrecheck(auth, policy, { action: 'delete', subject: 'User' }, request(), route)).toThrow();
    expect(decisions.map((message) => message.reason)).toEqual(['insufficient_scope']);
  });

  it('route is null without an adapter route, and the route function is not called when nobody listens', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    decideGuard(auth, policy, { action: 'list', subject: 'Conversation' }, request(), undefined);
    expect(decisions[0]?.route).toBeNull();
    unsubscribe(DECISION_CHANNEL, onDecision);
    const quiet = request(IDS.agent);
    decideGuard(auth, policy, { action: 'list', subject: 'Conversation' }, quiet, undefined, route);
    await runGuard(auth, policy, { action: 'update', subject: 'User', load: loadUser }, quiet, { name: 'x' }, route);
    decidePrecheck(auth, policy, { action: 'list', subject: 'Conversation' }, quiet, route);
    expect(quiet.routeCalls.count).toBe(0);
    expect(decisions).toHaveLength(1);
    subscribe(DECISION_CHANNEL, onDecision);
  });
});
