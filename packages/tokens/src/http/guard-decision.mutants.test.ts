// Tests for mutants of lib/guard-decision.ts that survived the tokens tests (issue "Test
// strength"): which guards read the body (assertBodyParsed), the messages of a body that is not an
// object and of a load() that resolves a primitive, a policy that answers null, the route name of a
// decision, and the decisions of a policy that answers with a promise (published once, when it
// settles; an allowance a precheck does not publish). Each fails with its mutant applied. See
// docs/testing.md, "tokens".
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DECISION_CHANNEL, type DecisionMessage } from '../diagnostics/index.js';
import type { AnyPolicy } from '../register.js';
import type { AuthContext } from '../service-types.js';
import { PASSWORD, expectCode, setup } from '../test-fixtures.js';
import { assertBodyParsed, decideGuard, runGuard, type GuardPolicy, type GuardSpec } from './index.js';

async function signIn(email: string): Promise<{ auth: AuthContext<AnyPolicy>; policy: AnyPolicy }> {
  const { auth: service } = await setup();
  const session = await service.login({ email, password: PASSWORD });
  return { auth: await service.authenticate(`Bearer ${session.token}`), policy: service.policy };
}

/** A real (unconnected) IncomingMessage announcing a body nothing has read. */
function unreadRequest(): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.headers = { 'content-type': 'application/json', 'content-length': '12' };
  return request;
}

describe('assertBodyParsed: only a guard that reads the body fields needs it parsed', () => {
  it.each([
    ['create', undefined],
    ['update', undefined],
  ])('%s without fields, the body unread → TypeError', (action) => {
    expect(() => assertBodyParsed({ action, subject: 'User' }, unreadRequest(), undefined, 'here')).toThrow(TypeError);
  });

  it.each([
    ['create with fields', { action: 'create', subject: 'User', fields: ['name'] }],
    ['create with fields: false', { action: 'create', subject: 'User', fields: false }],
    ['read', { action: 'read', subject: 'User' }],
    ['delete', { action: 'delete', subject: 'User' }],
  ])('%s → no error', (_name, spec) => {
    expect(() => assertBodyParsed(spec as GuardSpec<unknown>, unreadRequest(), undefined, 'here')).not.toThrow();
  });
});

describe('guard messages', () => {
  it('a create body that is not an object: ERR_INVALID_REQUEST "Expected a JSON object body"', async () => {
    const { auth, policy } = await signIn('admin@example.com');
    for (const body of ['name=x', ['name'], null]) {
      let error: unknown;
      try {
        decideGuard(auth, policy, { action: 'create', subject: 'Conversation' }, {}, body);
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'ERR_INVALID_REQUEST', message: 'Expected a JSON object body' });
    }
  });

  it('a load() resolving a primitive: a TypeError naming the subject type', async () => {
    const { auth, policy } = await signIn('admin@example.com');
    await expect(runGuard(auth, policy, { action: 'fetch', subject: 'User', load: () => 'user-id' as never }, {}, undefined)).rejects.toThrow(
      new TypeError('scopeladder guard: load() must resolve an object, null or undefined for User'),
    );
  });

  it('a policy answering null (not a promise) allows', async () => {
    const nullPolicy: GuardPolicy = { authorize: () => null as never };
    const { auth } = await signIn('agent@example.com');
    expect(decideGuard(auth, nullPolicy, { action: 'list', subject: 'Conversation' }, {}, undefined)).toBeUndefined();
  });

  it('no field to check (an empty `fields`, an empty create body): the policy is asked with no fields, not an empty list', async () => {
    const asked: unknown[] = [];
    const recording: GuardPolicy = {
      authorize: (_principal, _action, _target, fields) => void asked.push(fields),
    };
    const { auth } = await signIn('admin@example.com');
    decideGuard(auth, recording, { action: 'update', subject: 'Contact', fields: [] }, {}, undefined);
    decideGuard(auth, recording, { action: 'create', subject: 'Contact' }, {}, {});
    await runGuard(auth, recording, { action: 'update', subject: 'Contact', fields: () => [] }, {}, undefined);
    expect(asked).toEqual([undefined, undefined, undefined]);
  });

  it('a policy answering an object that is not a promise allows at once (no promise to wait for)', async () => {
    const objectPolicy: GuardPolicy = { authorize: () => ({ then: 'not a function' }) as never };
    const { auth } = await signIn('agent@example.com');
    expect(decideGuard(auth, objectPolicy, { action: 'list', subject: 'Conversation' }, {}, undefined)).toBeUndefined();
  });
});

describe('decisions on scopeladder:decision', () => {
  let decisions: DecisionMessage[];
  const onDecision = (message: unknown): void => void decisions.push(message as DecisionMessage);
  beforeEach(() => {
    decisions = [];
    subscribe(DECISION_CHANNEL, onDecision);
  });
  afterEach(() => unsubscribe(DECISION_CHANNEL, onDecision));

  it('the route: bounded to 512 characters; null when the adapter names none', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    const spec = { action: 'list', subject: 'Conversation' } as const;
    decideGuard(auth, policy, spec, {}, undefined, () => `GET /${'a'.repeat(600)}`);
    decideGuard(auth, policy, spec, {}, undefined, () => undefined);
    expect(decisions.map((decision) => decision.route)).toEqual([`GET /${'a'.repeat(507)}`, null]);
  });

  /** The service's policy, answering with a promise (as a remote policy would). */
  const deferred = (policy: AnyPolicy): GuardPolicy => ({
    authorize: (principal, action, target, fields) =>
      Promise.resolve().then(() => policy.authorize(principal, action as never, target as never, fields)) as never,
  });

  it('a policy answering with a promise: allowed is published once it resolves, not before', async () => {
    const { auth, policy } = await signIn('agent@example.com');
    const pending = decideGuard(auth, deferred(policy), { action: 'list', subject: 'Conversation' }, {}, undefined);
    expect(pending).toBeInstanceOf(Promise);
    expect(decisions).toEqual([]);
    await pending;
    expect(decisions.map((decision) => [decision.allowed, decision.reason])).toEqual([[true, 'granted']]);
  });

  it('a policy answering with a rejection: the denial is published, and the promise rejects', async () => {
    const { auth, policy } = await signIn('guest@example.com');
    const pending = decideGuard(auth, deferred(policy), { action: 'list', subject: 'Conversation' }, {}, undefined);
    await expectCode(pending as Promise<unknown>, 'ERR_FORBIDDEN');
    expect(decisions.map((decision) => [decision.allowed, decision.code])).toEqual([[false, 'ERR_FORBIDDEN']]);
  });

  it('a missing record with a promise-answering policy: only not-found is published, not the type-level allowance', async () => {
    const { auth, policy } = await signIn('admin@example.com');
    await expectCode(runGuard(auth, deferred(policy), { action: 'fetch', subject: 'User', load: () => null }, {}, undefined), 'ERR_NOT_FOUND');
    expect(decisions.map((decision) => [decision.allowed, decision.level, decision.code])).toEqual([[false, 'record', 'ERR_NOT_FOUND']]);
  });
});
