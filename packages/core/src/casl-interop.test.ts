import { createMongoAbility, mongoQueryMatcher, subject } from '@casl/ability';
import { rulesToCondition } from '@casl/ability/extra';
import { accessibleBy, accessibleRecordsPlugin } from '@casl/mongoose';
import { accessibleBy as prismaAccessibleBy, createPrismaAbility } from '@casl/prisma/runtime';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { chatshipperFields, chatshipperMatrix, chatshipperScopes, chatshipperTenantPolicy, definePolicy, type Principal } from './index.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

// What CASL's own query builders make of a policy's rules: `rulesToCondition` (@casl/ability/extra),
// `@casl/mongoose` (`accessibleBy`, `getFilter()`, `cast`, no database) and `@casl/prisma`
// (`accessibleBy(...).ofType()`, no client). They must produce policy.filterFor's filter.

const mongoHooks = {
  and: (conditions: unknown[]) => ({ $and: conditions }),
  or: (conditions: unknown[]) => ({ $or: conditions }),
  empty: () => ({}),
};
const toMongo = (rule: { conditions?: unknown; inverted: boolean }) => (rule.inverted ? { $nor: [rule.conditions] } : (rule.conditions as object));

const ID = '5f0c8a1e9b3d2c4a6e8f0a1b';
const OTHER = '5f0c8a1e9b3d2c4a6e8f0a1c';
const principals: Principal[] = chatshipperScopes.flatMap((role) =>
  ['r1', 'r1#c1', 'r1#c1#s1'].map((organizationPath) => ({ id: ID, scopes: [role], organizationPath })),
);
const records = ['r1', 'r1#c1', 'r1#c1#s1', 'r1#c2', 'r1#c10', 'r2#c1'].flatMap((path) =>
  [ID, OTHER].map((id) => ({ id, organizationPath: path, path, organizationPaths: ['r9', path] })),
);

describe('CASL query builders agree with filterFor (tenancy on)', () => {
  const policy = chatshipperTenantPolicy;
  for (const principal of principals) {
    it(`${principal.scopes[0]} in ${principal.organizationPath}: rulesToCondition, @casl/mongoose and @casl/prisma`, () => {
      const ability = policy.abilityFor(principal);
      const prismaAbility = createPrismaAbility(policy.rulesFor(principal, { dialect: 'prisma' }) as never);
      for (const type of policy.resources) {
        for (const action of policy.actions) {
          const filter = policy.filterFor(principal, action, type);
          const condition = rulesToCondition(ability.rulesFor(action, type), toMongo as never, mongoHooks);
          const viaMongoose = accessibleBy(ability, action).ofType(type);
          if (filter.kind === 'none') {
            expect(condition).toBeNull();
            expect(viaMongoose).toEqual({ $expr: { $eq: [0, 1] } });
            expect(prismaAccessibleBy(prismaAbility, action).ofType(type as never)).toEqual({ OR: [] }); // Prisma: matches nothing
            continue;
          }
          expect(filter.kind).toBe('condition');
          if (filter.kind !== 'condition') continue;
          expect(condition).toEqual({ $or: [filter.query] });
          expect(viaMongoose).toEqual({ $or: [filter.query] });
          expect(prismaAccessibleBy(prismaAbility, action).ofType(type as never)).toEqual({ OR: [filter.prisma] });
          // And the query means what the predicate and the checks mean, record by record.
          const matches = mongoQueryMatcher(filter.query);
          for (const record of records) {
            const answer = policy.can(principal, action, subject(type, { ...record }));
            expect(matches(record)).toBe(answer);
            expect(filter.matches(record)).toBe(answer);
          }
        }
      }
    });
  }
});

describe('rulesFor() returns fresh, unfrozen rules (issue #14, item 4)', () => {
  it.each([
    ['without tenancy', chatshipperMatrixPolicy, { id: ID, scopes: ['guest'] }],
    ['with tenancy', chatshipperTenantPolicy, { id: ID, scopes: ['guest'], organizationPath: 'r1' }],
  ] as const)('%s', (_name, policy, principal) => {
    const rules = policy.rulesFor(principal);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(Object.isFrozen(rule)).toBe(false);
      if (rule.conditions) expect(Object.isFrozen(rule.conditions)).toBe(false);
    }
    (rules[rules.length - 1]!.conditions as Record<string, unknown>)['id'] = 'tampered';
    rules.push({ action: 'delete', subject: 'Service' });
    expect(policy.rulesFor(principal)).not.toContainEqual(expect.objectContaining({ action: 'delete', subject: 'Service' }));
    expect(JSON.stringify(policy.rulesFor(principal))).not.toContain('tampered');
  });

  it('the shared ability keeps its own rules frozen', () => {
    expect(Object.isFrozen(chatshipperMatrixPolicy.abilityFor({ id: ID, scopes: ['guest'] }).rules)).toBe(true);
  });
});

describe('@casl/mongoose with selfField: "_id" (MongoDB documents): accessibleRecordsPlugin, getFilter() and cast', () => {
  const mongoPolicy = definePolicy({ scopes: chatshipperScopes, matrix: chatshipperMatrix, fields: chatshipperFields, selfField: '_id' });
  const m = new mongoose.Mongoose();
  const schema = new m.Schema({ email: String, role: String });
  schema.plugin(accessibleRecordsPlugin);
  const User = m.model('User', schema);
  const guest = { id: ID, scopes: ['guest'] };

  it.each([
    ['policy.abilityFor(p)', () => mongoPolicy.abilityFor(guest), true],
    ['createMongoAbility(policy.rulesFor(p))', () => createMongoAbility(mongoPolicy.rulesFor(guest)), false],
  ] as const)('%s: Mongoose casts the filter in place without "Cannot assign to read only property"', (_name, make, shared) => {
    const ability = make();
    const query = (User as unknown as { accessibleBy(a: unknown, action: string): mongoose.Query<unknown, unknown> }).accessibleBy(ability, 'update');
    expect(() => query.cast(User)).not.toThrow();
    const filter = query.getFilter() as { $and: [{ $or: [{ _id: unknown }] }] };
    expect(filter.$and[0].$or[0]._id).toBeInstanceOf(m.Types.ObjectId);
    expect(String(filter.$and[0].$or[0]._id)).toBe(ID);
    // A policy's (shared) ability is untouched: the next filter starts from the string id again.
    // An ability built from rulesFor() is the caller's own: Mongoose's cast stays in its rules.
    if (shared) expect(accessibleBy(ability, 'update').ofType('User')).toEqual({ $or: [{ _id: ID }] });
    expect(ability.can('update', subject('User', { _id: ID }))).toBe(true);
    expect(ability.can('update', subject('User', { _id: OTHER }))).toBe(false);
  });
});

describe('canEvery on the ability (issue #14, item 5)', () => {
  it('keeps CASL\'s "some record" can() and adds the "every record" question', () => {
    const guest = chatshipperMatrixPolicy.abilityFor({ id: ID, scopes: ['guest'] });
    expect(guest.can('fetch', 'User')).toBe(true); // some User: its own
    expect(guest.canEvery('fetch', 'User')).toBe(false); // not every User
    expect(chatshipperMatrixPolicy.abilityFor({ id: ID, scopes: ['bot'] }).canEvery('fetch', 'User')).toBe(true);
  });

  it('agrees with policy.canEvery on every cell, scope and field, with and without tenancy', () => {
    for (const policy of [chatshipperMatrixPolicy, chatshipperTenantPolicy]) {
      for (const principal of [...principals, { id: ID, scopes: ['admin'] }, { id: '', scopes: ['bot'] }]) {
        const ability = policy.abilityFor(principal);
        for (const type of policy.resources) {
          for (const action of policy.actions) {
            for (const field of [undefined, 'role', 'name', 'a\nb']) {
              expect(ability.canEvery(action, type, field)).toBe(policy.canEvery(principal, action, type, field));
            }
          }
        }
        expect(ability.canEvery('nope' as never, 'User')).toBe(false);
        expect(ability.canEvery('list', 'Nope' as never)).toBe(false);
      }
    }
  });
});
