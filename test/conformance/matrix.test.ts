import { chatshipperPolicy, type DecisionRow } from '@scopeladder/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS_BY_AUTHENTICATION } from './fixtures/adapters.js';
import { RESOURCE_PATHS, type ResourceRecord, type ResourceType } from './fixtures/resources.js';
import { startSession, type Session } from './fixtures/session.js';
import { ROLES, type Role } from './fixtures/world.js';

// Driven by the policy's own decision table (the data docs/matrix.md is generated from), not a
// hand copy: every (resource, action[, self]) row, for every role, through HTTP.
const TABLE: readonly DecisionRow[] = chatshipperPolicy.decisionTable();
const SUCCESS_STATUS: Readonly<Record<string, number>> = { list: 200, fetch: 200, create: 201, update: 200, delete: 204 };

describe('the decision table drives this suite', () => {
  it('has one row per resource × action, plus the "(self)" rows', () => {
    const plain = TABLE.filter((row) => !row.self);
    expect(plain).toHaveLength(chatshipperPolicy.resources.length * chatshipperPolicy.actions.length);
    expect(TABLE.filter((row) => row.self).map((row) => `${row.action} ${row.resource}`)).toEqual(['fetch User', 'update User']);
    for (const row of TABLE) expect(RESOURCE_PATHS).toHaveProperty(row.resource);
  });
});

describe.each(ADAPTERS_BY_AUTHENTICATION)('matrix through HTTP on $name', ({ adapter, authentication }) => {
  let session: Session;
  const fixtures = new Map<string, ResourceRecord>();

  beforeAll(async () => {
    session = await startSession(adapter, { authentication });
    for (const type of Object.keys(RESOURCE_PATHS) as ResourceType[]) {
      fixtures.set(type, session.world.resources.insert(type, { name: `a ${type}` }));
    }
  });
  afterAll(async () => {
    await session.close();
  });

  function targetOf(row: DecisionRow, role: Role): string {
    const type = row.resource as ResourceType;
    if (row.action === 'delete') return session.world.resources.insert(type, { name: 'doomed' }).id;
    if (type === 'User') return row.self ? session.world.users[role].id : session.world.other.id;
    const fixture = fixtures.get(type);
    if (fixture === undefined) throw new Error(`no fixture for ${type}`);
    return fixture.id;
  }

  describe.each(TABLE.map((row) => ({ ...row, name: `${row.action} ${row.resource}${row.self ? ' (self)' : ''}` })))('$name', (row) => {
    it.each(ROLES)('as %s', async (role) => {
      const base = RESOURCE_PATHS[row.resource as ResourceType];
      const id = row.action === 'list' || row.action === 'create' ? undefined : targetOf(row, role);
      const path = id === undefined ? base : `${base}/${id}`;
      const method = { list: 'GET', fetch: 'GET', create: 'POST', update: 'PATCH', delete: 'DELETE' }[row.action];
      const json = row.action === 'create' || row.action === 'update' ? { name: `by ${role}` } : undefined;
      const reply = await session.as(role, path, { method, ...(json === undefined ? {} : { json }) });

      if (row.allowed[role as keyof typeof row.allowed]) {
        expect(reply.status, reply.text).toBe(SUCCESS_STATUS[row.action]);
        if (row.action === 'fetch' || row.action === 'update') expect(reply.json.id).toBe(id);
        if (row.action === 'create') expect(reply.json).toMatchObject({ name: `by ${role}` });
        if (row.action === 'delete') expect(session.world.resources.get(row.resource as ResourceType, id)).toBeNull();
      } else {
        expect(reply.status, reply.text).toBe(403);
        if (row.requiredScope === null) {
          expect(reply.json.code).toBe('ERR_FORBIDDEN');
        } else {
          expect(reply.json).toMatchObject({ code: 'ERR_INSUFFICIENT_SCOPE', requiredScope: row.requiredScope });
          expect(reply.headers['www-authenticate']).toContain('error="insufficient_scope"');
          expect(reply.headers['www-authenticate']).toContain(`scope="${row.requiredScope}"`);
        }
        if (id !== undefined) expect(session.world.resources.get(row.resource as ResourceType, id)).not.toBeNull();
      }
    });
  });
});
