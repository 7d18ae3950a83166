import { createMongoAbility, mongoQueryMatcher, subject } from '@casl/ability';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// Not in core's package.json on purpose (a cycle); vitest and tsconfig paths resolve it to sources.
import { arbitraries } from '@scopeladder/testing';
import { relations } from '../../../docs/examples/organizations-tree.js';
import {
  chatshipperScopes,
  chatshipperTenantPolicy,
  definePolicy,
  httpErrorFor,
  isScopeladderError,
  type ChatShipperResource,
  type Policy,
  type Principal,
} from './index.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

// Every role × action × type × relation of record to principal × own/other record, from the data
// docs/organizations.md shows: the answer is "reachable, and then what the matrix says" (the
// matrix answer is chatshipperMatrixPolicy's, the policy without tenancy), through every check.

const policy = chatshipperTenantPolicy;
const OTHER_ID = 'someone-else';

function recordOf(type: string, id: string, path: string | null): Record<string, unknown> {
  const record: Record<string, unknown> = { id, name: 'x' };
  if (path === null) return record;
  const field = policy.tenancy?.fieldByType[type as ChatShipperResource] as string;
  record['organization'] = path.split('#').at(-1);
  record[field] = type === 'User' ? ['r9', path] : path;
  return record;
}

function authorizeAnswer(run: () => void): unknown {
  try {
    run();
    return 'allowed';
  } catch (error) {
    return isScopeladderError(error) ? { code: error.code, http: httpErrorFor(error) } : error;
  }
}

describe.each(relations)('tenancy: a record in the $relation', ({ principalPath, recordPath, reachable }) => {
  it.each(chatshipperScopes)("%s: every action on every type, own record and another's, through every check", (role) => {
    const principal: Principal = {
      id: 'me',
      scopes: [role],
      organization: principalPath.split('#').at(-1) as string,
      organizationPath: principalPath,
    };
    const ability = policy.abilityFor(principal);
    const casl = createMongoAbility(policy.rulesFor(principal));
    const mismatches: string[] = [];
    for (const type of policy.resources) {
      for (const action of policy.actions) {
        const filter = policy.filterFor(principal, action, type);
        for (const id of [principal.id, OTHER_ID]) {
          const record = recordOf(type, id, recordPath);
          const target = subject(type, { ...record });
          const expected = reachable && chatshipperMatrixPolicy.can(principal, action, subject(type, { ...record }));
          const where = `${role} ${action} ${type} ${id === principal.id ? 'own' : 'other'}`;
          const answers = {
            can: policy.can(principal, action, target),
            ability: ability.can(action, target),
            casl: casl.can(action, subject(type, { ...record })),
            explain: policy.explain(principal, action, target).allowed,
            filter: filter.matches(record),
            query: filter.kind === 'condition' ? mongoQueryMatcher(filter.query)(record) : filter.kind === 'all',
          };
          for (const [check, answer] of Object.entries(answers)) {
            if (answer !== expected) mismatches.push(`${where}: ${check} says ${answer}, expected ${expected}`);
          }
          if (!reachable) {
            const reason = policy.explain(principal, action, target).reason;
            if (reason !== 'other_organization') mismatches.push(`${where}: explain reason ${reason}`);
            // Outside the reach, authorize answers exactly as for a missing record: no status, body or header differs.
            const answer = authorizeAnswer(() => policy.authorize(principal, action, target));
            if (policy.canEvery(principal, action, type)) {
              if ((answer as { http?: { status: number } }).http?.status !== 404)
                mismatches.push(`${where}: authorize answers ${JSON.stringify(answer)}, not 404`);
            } else {
              const missing = authorizeAnswer(() => policy.authorize(principal, action, type));
              if (JSON.stringify(answer) !== JSON.stringify(missing)) mismatches.push(`${where}: authorize differs from the type-level denial`);
            }
          } else if (authorizeAnswer(() => policy.authorize(principal, action, target)) !== 'allowed' && expected) {
            mismatches.push(`${where}: authorize denies`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('tenancy: outside the reach is "not found"', () => {
  const admin: Principal = { id: 'a1', scopes: ['admin'], organizationPath: 'r1#c1' };
  const foreign = subject('Conversation', { id: 'k1', organizationPath: 'r1#c2' });

  it('explain says other_organization; authorize throws ERR_NOT_FOUND with no denial context', () => {
    expect(policy.explain(admin, 'delete', foreign)).toMatchObject({ allowed: false, reason: 'other_organization', requiredScope: null });
    let thrown: unknown;
    try {
      policy.authorize(admin, 'delete', foreign, ['name']);
    } catch (error) {
      thrown = error;
    }
    expect(isScopeladderError(thrown) && thrown.code).toBe('ERR_NOT_FOUND');
    const http = httpErrorFor(thrown);
    expect(http.status).toBe(404);
    expect(http.body).toEqual({ code: 'ERR_NOT_FOUND', message: 'Conversation not found' });
    expect(http.headers).toEqual({ 'cache-control': 'no-store' });
  });

  it('a scope too low for any record of the type gets the type-level denial, as for a missing id', () => {
    const guest: Principal = { id: 'g1', scopes: ['guest'], organizationPath: 'r1#c1' };
    const onForeign = (() => {
      try {
        policy.authorize(guest, 'delete', foreign);
      } catch (error) {
        return httpErrorFor(error);
      }
      return null;
    })();
    const onType = (() => {
      try {
        policy.authorize(guest, 'delete', 'Conversation');
      } catch (error) {
        return httpErrorFor(error);
      }
      return null;
    })();
    expect(onForeign).toEqual(onType);
    expect(onForeign?.status).toBe(403);
  });
});

describe('tenancy: principals and records without a usable path reach nothing', () => {
  const record = subject('Conversation', { id: 'k1', organizationPath: 'r1' });
  const badPaths: unknown[] = [undefined, null, '', 5, ['r1'], '#r1', 'r1#', 'r1##c1', 'x'.repeat(4097), { toString: () => 'r1' }];

  it.each(badPaths.map((path) => [String(path).slice(0, 20), path]))('principal path %s', (_label, path) => {
    const principal = { id: 'a1', scopes: ['admin'], organizationPath: path } as unknown as Principal;
    expect(policy.can(principal, 'fetch', record)).toBe(false);
    expect(policy.can(principal, 'list', 'Conversation')).toBe(false);
    expect(policy.canEvery(principal, 'list', 'Conversation')).toBe(false);
    expect(policy.abilityFor(principal).can('list', 'Conversation')).toBe(false);
    expect(policy.abilityFor(principal).can('fetch', record)).toBe(false);
    expect(policy.abilityFor(principal).canEvery('list', 'Conversation')).toBe(false);
    expect(policy.rulesFor(principal)).toEqual([]);
    expect(policy.filterFor(principal, 'list', 'Conversation').kind).toBe('none');
    expect(policy.explain(principal, 'list', 'Conversation').reason).toBe('no_organization');
    expect(() => policy.authorize(principal, 'list', 'Conversation')).toThrow(expect.objectContaining({ code: 'ERR_FORBIDDEN' }));
  });

  it.each([undefined, null, '', 7, ['x'], [7, null], /r1/, { toString: () => 'r1' }, 'r1x', ' r1', 'R1'])(
    'record path %s is out of reach of a root admin, everywhere',
    (path) => {
      const admin: Principal = { id: 'a1', scopes: ['admin'], organizationPath: 'r1' };
      const target = { id: 'k1', organizationPath: path };
      expect(policy.can(admin, 'fetch', subject('Conversation', { ...target }))).toBe(false);
      expect(policy.abilityFor(admin).can('fetch', subject('Conversation', { ...target }))).toBe(false);
      expect(createMongoAbility(policy.rulesFor(admin)).can('fetch', subject('Conversation', { ...target }))).toBe(false);
      const filter = policy.filterFor(admin, 'list', 'Conversation');
      expect(filter.matches(target)).toBe(false);
      expect(filter.kind === 'condition' && mongoQueryMatcher(filter.query)(target)).toBe(false);
    },
  );

  it('a path of exactly 4,096 characters is usable; one more is not', () => {
    for (const [path, reaches] of [
      ['x'.repeat(4096), true],
      ['x'.repeat(4097), false],
    ] as const) {
      const admin = { id: 'a1', scopes: ['admin'], organizationPath: path } as Principal;
      expect(policy.can(admin, 'fetch', subject('Conversation', { id: 'k1', organizationPath: path }))).toBe(reaches);
      expect(policy.filterFor(admin, 'list', 'Conversation').kind).toBe(reaches ? 'condition' : 'none');
    }
  });

  it('a record whose path getter throws is out of reach (fail closed)', () => {
    const admin: Principal = { id: 'a1', scopes: ['admin'], organizationPath: 'r1' };
    const target = subject('Conversation', {
      get organizationPath(): string {
        throw new Error('boom');
      },
    });
    expect(policy.can(admin, 'fetch', target)).toBe(false);
    expect(policy.abilityFor(admin).can('fetch', target)).toBe(false);
    expect(policy.filterFor(admin, 'list', 'Conversation').matches(target)).toBe(false);
  });
});

describe('tenancy: the list filter', () => {
  it('a root admin over 10,000 organizations gets one prefix condition, not a list of ids', () => {
    const admin: Principal = { id: 'a1', scopes: ['admin'], organizationPath: 'r1' };
    const filter = policy.filterFor(admin, 'list', 'Conversation');
    expect(filter.kind).toBe('condition');
    if (filter.kind !== 'condition') return;
    expect(filter.query).toEqual({ organizationPath: { $regex: '^r1(?:#|(?![\\s\\S]))' } });
    expect(filter.prisma).toEqual({ OR: [{ organizationPath: 'r1' }, { organizationPath: { startsWith: 'r1#' } }] });
    const records = Array.from({ length: 10_000 }, (_, i) => ({ id: `k${i}`, organizationPath: `r1#c${i % 100}#s${i}` }));
    expect(records.filter(filter.matches)).toHaveLength(10_000);
    expect(JSON.stringify(filter.query).length).toBeLessThan(64);
  });

  it('self-only cells AND the tenancy condition with the self condition', () => {
    const guest: Principal = { id: 'g1', scopes: ['guest'], organizationPath: 'r1#c1' };
    const filter = policy.filterFor(guest, 'fetch', 'User');
    expect(filter.kind === 'condition' && filter.query).toEqual({ id: 'g1', organizationPaths: { $regex: '^r1#c1(?:#|(?![\\s\\S]))' } });
    expect(filter.kind === 'condition' && filter.prisma).toEqual({
      id: 'g1',
      OR: [{ organizationPaths: 'r1#c1' }, { organizationPaths: { startsWith: 'r1#c1#' } }],
    });
    expect(policy.filterFor(guest, 'list', 'User').kind).toBe('none');
    expect(policy.filterFor({ ...guest, id: '' }, 'fetch', 'User').kind).toBe('none');
  });

  it('escapes regular-expression metacharacters and control characters in ids', () => {
    const admin: Principal = { id: 'a1', scopes: ['admin'], organizationPath: 'r.1#c*1#a\u0000b#(x)' };
    const filter = policy.filterFor(admin, 'list', 'Conversation');
    if (filter.kind !== 'condition') throw new Error('expected a condition');
    const pattern = (filter.query as { organizationPath: { $regex: string } }).organizationPath.$regex;
    expect(pattern).toBe('^r\\.1#c\\*1#a\\x00b#\\(x\\)(?:#|(?![\\s\\S]))');
    const match = mongoQueryMatcher(filter.query);
    expect(match({ organizationPath: 'r.1#c*1#a\u0000b#(x)#s' })).toBe(true);
    expect(match({ organizationPath: 'rx1#cc1#a\u0000b#(x)' })).toBe(false);
    expect(match({ organizationPath: 'r.1#c*1#a\u0000b#(x)\n' })).toBe(false);
  });

  it('without tenancy: all, none, or the self condition, as before', () => {
    const guest: Principal = { id: 'g1', scopes: ['guest'] };
    expect(chatshipperMatrixPolicy.filterFor(guest, 'fetch', 'Conversation').kind).toBe('all');
    expect(chatshipperMatrixPolicy.filterFor(guest, 'list', 'Conversation').kind).toBe('none');
    const self = chatshipperMatrixPolicy.filterFor(guest, 'update', 'User');
    expect(self.kind === 'condition' && self.query).toEqual({ id: 'g1' });
    expect(chatshipperMatrixPolicy.filterFor(guest, 'nope' as never, 'User').kind).toBe('none');
    expect(chatshipperMatrixPolicy.filterFor(guest, 'list', 'Nope' as never).kind).toBe('none');
  });

  it('query and prisma are fresh, unfrozen objects on every read', () => {
    const filter = policy.filterFor({ id: 'a', scopes: ['admin'], organizationPath: 'r1' }, 'list', 'Form');
    if (filter.kind !== 'condition') throw new Error('expected a condition');
    const first = filter.query as Record<string, unknown>;
    first['organizationPath'] = 'tampered';
    expect(filter.query).not.toEqual(first);
    expect(Object.isFrozen(filter.prisma)).toBe(false);
  });
});

describe('tenancy: the declaration', () => {
  const base = { scopes: ['member', 'owner'], matrix: { Note: { read: 'member' }, Organization: { read: 'owner' } } } as const;

  it('resolves defaults and per-type fields', () => {
    expect(definePolicy({ ...base, tenancy: {} }).tenancy).toEqual({
      separator: '#',
      fieldByType: { Note: 'organizationPath', Organization: 'path' },
    });
    expect(definePolicy({ ...base, tenancy: { separator: '/', field: 'tenant', fieldsByType: { Organization: 'tree' } } }).tenancy).toEqual({
      separator: '/',
      fieldByType: { Note: 'tenant', Organization: 'tree' },
    });
    expect(definePolicy(base).tenancy).toBeNull();
    // A prototype-less declaration is a plain object too.
    expect(definePolicy({ ...base, tenancy: Object.assign(Object.create(null) as object, { separator: '/' }) }).tenancy?.separator).toBe('/');
  });

  it.each([
    [{ separator: '' }, 'tenancy.separator'],
    [{ separator: '##' }, 'tenancy.separator'],
    [{ separator: 'a' }, 'tenancy.separator'],
    [{ separator: ' ' }, 'tenancy.separator'],
    [{ field: 'a.b' }, 'tenancy.field'],
    [{ field: '__proto__' }, 'tenancy.field'],
    [{ field: 'id' }, 'tenancy.field'],
    [{ fieldsByType: { Nope: 'x' } }, 'tenancy.fieldsByType.Nope'],
    [{ fieldsByType: { Note: 5 } }, 'tenancy.fieldsByType.Note'],
    [{ fieldsByType: [] }, 'tenancy.fieldsByType'],
    [{ sepparator: '#' }, 'unknown key'],
    ['yes', 'tenancy'],
    [null, 'tenancy'],
    [new Date(0), 'tenancy'],
  ])('%j is a TypeError naming %s', (tenancy, where) => {
    expect(() => definePolicy({ ...base, tenancy: tenancy as never })).toThrow(new RegExp(`definePolicy: .*${where.replace('.', '\\.')}`));
    expect(() => definePolicy({ ...base, tenancy: tenancy as never })).toThrow(TypeError);
  });

  it('a default field that collides with selfField is a TypeError', () => {
    expect(() => definePolicy({ ...base, selfField: 'path', tenancy: {} })).toThrow(/fieldsByType\.Organization/);
  });
});

describe('tenancy: property — every check, the rules and the filter agree, on any tree and any record', () => {
  const id = fc.constantFrom('r1', 'c1', 'c10', 's1', 'a.b', 'a*', '(x)', 'x|y', 'n\u0000l', 'é', 'R1', ' r1');
  const path = fc.array(id, { minLength: 1, maxLength: 4 }).map((ids) => ids.join('#'));
  const pathValue = fc.oneof(
    path,
    fc.array(fc.oneof(path, fc.constant(7), fc.constant(null)), { maxLength: 3 }),
    fc.constantFrom(undefined, null, 5, '', '#', 'r1#', 'r1\n', /r1/, { toString: () => 'r1' }, ['r1', ['r1']]),
  );
  const principalArb = fc.record({
    id: fc.constantFrom('me', ''),
    scopes: fc.subarray(['guest', 'agent', 'bot', 'admin', 'root']),
    organizationPath: fc.oneof({ weight: 5, arbitrary: path }, { weight: 1, arbitrary: fc.constantFrom(undefined, '', 'r1#', 5) }),
  });

  function check(policy: Policy, principal: Principal, action: string, type: string, record: Record<string, unknown>): void {
    const expected = policy.can(principal, action, subject(type, { ...record }));
    expect(policy.abilityFor(principal).can(action, subject(type, { ...record }))).toBe(expected);
    expect(createMongoAbility(policy.rulesFor(principal)).can(action, subject(type, { ...record }))).toBe(expected);
    expect(policy.explain(principal, action, subject(type, { ...record })).allowed).toBe(expected);
    const filter = policy.filterFor(principal, action, type);
    expect(filter.matches(record)).toBe(expected);
    if (filter.kind === 'condition') expect(mongoQueryMatcher(filter.query)(record)).toBe(expected);
    else expect(filter.kind === 'all').toBe(expected);
  }

  it('on the ChatShipper tenant policy', () => {
    fc.assert(
      fc.property(
        principalArb,
        fc.constantFrom(...chatshipperTenantPolicy.actions),
        fc.constantFrom(...chatshipperTenantPolicy.resources),
        fc.constantFrom('me', 'other'),
        pathValue,
        (principal, action, type, recordId, value) => {
          const field = chatshipperTenantPolicy.tenancy?.fieldByType[type] as string;
          check(chatshipperTenantPolicy as unknown as Policy, principal as Principal, action, type, { id: recordId, [field]: value });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('on any policy definePolicy accepts, with tenancy and another separator', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer({ min: 0, max: 1000 }), (definition, seed) => {
        const policy = definePolicy({ ...(definition as object), tenancy: { separator: '/' } } as never) as unknown as Policy;
        const rng = fc.sample(
          fc.record({
            principal: fc.record({
              id: fc.constantFrom('me', 'you'),
              scopes: fc.subarray([...policy.ladder.scopes]),
              organizationPath: fc.constantFrom('a', 'a/b', 'b', 'a/b/c'),
            }),
            action: fc.constantFrom(...policy.actions),
            type: fc.constantFrom(...policy.resources),
            value: fc.constantFrom('a', 'a/b', 'a/bc', 'a/b/c', 'b', 'a#b', ['b', 'a/b'], undefined),
          }),
          { numRuns: 20, seed },
        );
        for (const { principal, action, type, value } of rng) {
          const field = policy.tenancy?.fieldByType[type] as string;
          check(policy, principal as Principal, action, type, { id: 'me', [field]: value });
        }
      }),
      { numRuns: 60 },
    );
  });
});
