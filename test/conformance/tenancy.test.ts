import { chatshipperTenantPolicy, type DecisionRow } from '@scopeladder/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS_BY_AUTHENTICATION } from './fixtures/adapters.js';
import { bearer, type Reply } from './fixtures/http.js';
import { RESOURCE_PATHS, RESOURCE_TYPES, newId, type ResourceRecord, type ResourceType } from './fixtures/resources.js';
import { startSession, type Session } from './fixtures/session.js';
import { ACTING_IN, RELATIONS, TREE, organizationOf, placedIn, reaches, recordReached } from './fixtures/tenancy.js';
import { ROLES, type Role } from './fixtures/world.js';

// Tenancy through HTTP, generated like matrix.test.ts: every plain row of the policy's decision
// table (resource × action; the "(self)" rows are matrix.test.ts's), for every role, and every
// relation of a record's organization to the principal's (fixtures/tenancy.ts). The expected
// answer is the table's cell AND the tenancy rule (`reaches`, written out from ARCHITECTURE.md,
// not core's code). The fixture apps run chatshipperTenantPolicy; their list handlers filter in
// one line with the guard's `filter`, their create handlers place the record in the body's
// `organization` (fixtures/app-kit.ts `creationFor`).
const TABLE: readonly DecisionRow[] = chatshipperTenantPolicy.decisionTable().filter((row) => !row.self);
const SUCCESS_STATUS: Readonly<Record<string, number>> = { list: 200, fetch: 200, create: 201, update: 200, delete: 204 };
const METHOD: Readonly<Record<string, string>> = { list: 'GET', fetch: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE' };

/** A whole answer, for "identical to": status, headers (but the clock's `date`) and body. */
function whole(reply: Reply): { status: number; headers: Record<string, unknown>; text: string } {
  const { date: _date, ...headers } = reply.headers;
  return { status: reply.status, headers, text: reply.text };
}

describe('the tenancy suite is generated from data that can fail it', () => {
  it('covers every relation the issue names, with records both in and out of reach', () => {
    expect(RELATIONS.map((r) => r.relation)).toEqual(
      expect.arrayContaining(['same organization', 'child', 'grandchild', 'parent', 'sibling', 'other tree']),
    );
    const reached = RELATIONS.map((r) => reaches(organizationOf(r.actsIn).path, organizationOf(r.recordIn).path));
    expect(reached).toEqual([true, true, true, false, false, false, false]);
    expect(TABLE).toHaveLength(chatshipperTenantPolicy.resources.length * chatshipperTenantPolicy.actions.length);
  });
});

describe.each(ADAPTERS_BY_AUTHENTICATION)('tenancy through HTTP on $name', ({ adapter, authentication }) => {
  let session: Session;
  /** A bearer token per organization acted in, per role (logged in over HTTP with `organization`). */
  const tokens = new Map<string, string>();
  /** Per type and organization: a record placed there. */
  const placed = new Map<string, ResourceRecord>();

  beforeAll(async () => {
    session = await startSession(adapter, { tenancy: true, authentication });
    for (const organization of ACTING_IN) {
      for (const role of ROLES) tokens.set(`${role} ${organization}`, (await session.login(session.world.users[role], organization)).token);
    }
    for (const type of RESOURCE_TYPES) {
      for (const organization of TREE) {
        placed.set(
          `${type} ${organization.id}`,
          session.world.resources.insert(type, { name: `a ${type} of ${organization.id}`, ...placedIn(type, organization) }),
        );
      }
    }
  });
  afterAll(async () => {
    await session.close();
  });

  function as(role: Role, actsIn: string, path: string, method: string, json?: unknown): Promise<Reply> {
    const token = tokens.get(`${role} ${actsIn}`);
    if (token === undefined) throw new Error(`no session of ${role} in ${actsIn}`);
    return session.send(path, { method, headers: session.world.credentialHeaders(token), ...(json === undefined ? {} : { json }) });
  }

  it('logs each role in, in the organization asked, with its role there', async () => {
    const reply = await as('agent', 'c1', '/v2/me', 'GET');
    expect(reply.json).toMatchObject({ scopes: ['agent'] });
  });

  // API keys are the auth service's: only where the app authenticates with it.
  if (authentication === 'bearer') {
    it('gives a bot API key bound to an organization exactly that subtree, in every list it may read', async () => {
      const robot = session.world.robot;
      const key = await session.world.service.createApiKey(robot.id, ['bot'], { organization: 'c1' });
      const principalPath = organizationOf('c1').path;
      const readable = TABLE.filter((row) => row.action === 'list' && row.allowed[robot.role as keyof typeof row.allowed]);
      expect(readable.length).toBeGreaterThan(0);
      for (const row of readable) {
        const type = row.resource as ResourceType;
        const reply = await session.send(RESOURCE_PATHS[type], { headers: bearer(key.apiKey) });
        expect(reply.status, reply.text).toBe(200);
        const expected = session.world.resources.list(type).filter((record) => recordReached(principalPath, type, record));
        expect((reply.json as ResourceRecord[]).map((record) => record.id).sort(), type).toEqual(expected.map((record) => record.id).sort());
      }
      // Another tenant's record through the key: the same answer as a missing id.
      const other = placed.get('Conversation c2');
      if (other === undefined) throw new Error('no Conversation in c2');
      const outside = await session.send(`${RESOURCE_PATHS.Conversation}/${other.id}`, { headers: bearer(key.apiKey) });
      const missing = await session.send(`${RESOURCE_PATHS.Conversation}/${newId()}`, { headers: bearer(key.apiKey) });
      expect(whole(outside)).toEqual(whole(missing));
    });
  }

  describe.each(TABLE.map((row) => ({ ...row, name: `${row.action} ${row.resource}` })))('$name', (row) => {
    const type = row.resource as ResourceType;
    const base = RESOURCE_PATHS[type];

    it.each(ROLES)('as %s, for each relation', async (role) => {
      const allowed = row.allowed[role as keyof typeof row.allowed];
      const denial = (reply: Reply): void => {
        expect(reply.status, reply.text).toBe(403);
        expect(reply.json.code).toBe(row.requiredScope === null ? 'ERR_FORBIDDEN' : 'ERR_INSUFFICIENT_SCOPE');
      };

      if (row.action === 'list') {
        for (const actsIn of ACTING_IN) {
          const reply = await as(role, actsIn, base, 'GET');
          if (!allowed) {
            denial(reply);
            continue;
          }
          expect(reply.status, reply.text).toBe(200);
          const principalPath = organizationOf(actsIn).path;
          const inReach = session.world.resources.list(type).filter((record) => recordReached(principalPath, type, record));
          const outOfReach = session.world.resources.list(type).filter((record) => !recordReached(principalPath, type, record));
          expect(inReach.length).toBeGreaterThan(0);
          expect(outOfReach.length).toBeGreaterThan(0);
          expect((reply.json as ResourceRecord[]).map((record) => record.id).sort()).toEqual(inReach.map((record) => record.id).sort());
        }
        return;
      }

      for (const { relation, actsIn, recordIn } of RELATIONS) {
        const context = `${relation}: acting in ${actsIn}, record in ${recordIn}`;
        const reachable = reaches(organizationOf(actsIn).path, organizationOf(recordIn).path);

        if (row.action === 'create') {
          const before = session.world.resources.list(type).length;
          const json = { name: `by ${role}`, organization: recordIn };
          const reply = await as(role, actsIn, base, 'POST', json);
          if (!allowed) denial(reply);
          else if (reachable) {
            expect(reply.status, `${context}: ${reply.text}`).toBe(201);
            const stored = session.world.resources.get(type, reply.json.id);
            expect(stored && recordReached(organizationOf(recordIn).path, type, stored), context).toBe(true);
            continue;
          } else {
            // Outside the reach: 403, exactly as for an organization that does not exist.
            expect(reply.status, `${context}: ${reply.text}`).toBe(403);
            expect(reply.json.code).toBe('ERR_FORBIDDEN');
            const unknown = await as(role, actsIn, base, 'POST', { ...json, organization: newId() });
            expect(whole(reply), context).toEqual(whole(unknown));
          }
          expect(session.world.resources.list(type).length, context).toBe(before);
          continue;
        }

        // fetch / update / delete: a record outside the reach answers exactly as a missing id.
        const target =
          row.action === 'delete'
            ? session.world.resources.insert(type, { name: 'doomed', ...placedIn(type, organizationOf(recordIn)) })
            : placed.get(`${type} ${recordIn}`);
        if (target === undefined) throw new Error(`no ${type} in ${recordIn}`);
        const json = row.action === 'update' ? { name: `by ${role}` } : undefined;
        const reply = await as(role, actsIn, `${base}/${target.id}`, METHOD[row.action] as string, json);
        if (allowed && reachable) {
          expect(reply.status, `${context}: ${reply.text}`).toBe(SUCCESS_STATUS[row.action]);
          if (row.action === 'delete') expect(session.world.resources.get(type, target.id), context).toBeNull();
          else expect(reply.json.id, context).toBe(target.id);
          continue;
        }
        const missing = await as(role, actsIn, `${base}/${newId()}`, METHOD[row.action] as string, json);
        if (allowed) {
          expect(missing.status).toBe(404);
          expect(missing.json).toEqual({ code: 'ERR_NOT_FOUND', message: `${type} not found` });
        } else {
          denial(missing);
        }
        if (reachable) denial(reply);
        else expect(whole(reply), context).toEqual(whole(missing));
        expect(session.world.resources.get(type, target.id), context).not.toBeNull();
      }
    });
  });
});
