import { createMongoAbility, subject } from '@casl/ability';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, isScopeladderError, type Matrix, type Policy, type Principal } from './index.js';

// ---- Generators: random ladders, monotone matrices, principals and checks --------------------

const FIELD_POOL = ['role', 'org', 'name'] as const;
const ID_POOL = ['p1', 'p2'] as const;

interface Definition {
  scopes: string[];
  matrix: Record<string, Record<string, unknown>>;
  fields: Record<string, Record<string, { protected: string[] }>>;
}

const scopeName = fc.stringMatching(/^[a-z][a-z0-9:._-]{0,6}$/).filter((s) => s !== 'nope');
const resourceName = fc.stringMatching(/^[A-Z][a-z]{0,5}$/);
const actionName = fc.stringMatching(/^[a-z]{1,6}$/).filter((a) => a !== 'manage' && a !== 'all');

// A cell over a ladder of `n` scopes: null, a scope, or { any?, self } with self strictly below any.
const cellArb = (scopes: string[]) => {
  const n = scopes.length;
  return fc.oneof(
    fc.constant(null),
    fc.integer({ min: 0, max: n - 1 }).map((r) => scopes[r]),
    fc
      .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n }))
      .filter(([self, any]) => self < any)
      .map(([self, any]) => (any === n ? { self: scopes[self] } : { any: scopes[any], self: scopes[self] })),
  );
};

const definitionArb: fc.Arbitrary<Definition> = fc
  .record({
    scopes: fc.uniqueArray(scopeName, { minLength: 1, maxLength: 5 }),
    resources: fc.uniqueArray(resourceName, { minLength: 1, maxLength: 4 }),
    actions: fc.uniqueArray(actionName, { minLength: 1, maxLength: 4 }),
  })
  .chain(({ scopes, resources, actions }) =>
    fc
      .array(fc.tuple(cellArb(scopes), fc.subarray([...FIELD_POOL])), {
        minLength: resources.length * actions.length,
        maxLength: resources.length * actions.length,
      })
      .map((cells) => {
        const matrix: Definition['matrix'] = {};
        const fields: Definition['fields'] = {};
        resources.forEach((resource, r) => {
          matrix[resource] = {};
          actions.forEach((action, a) => {
            const [cell, protectedFields] = cells[r * actions.length + a] as [unknown, string[]];
            (matrix[resource] as Record<string, unknown>)[action] = cell;
            if (cell !== null && typeof cell === 'object' && protectedFields.length > 0) {
              fields[resource] ??= {};
              (fields[resource] as Record<string, { protected: string[] }>)[action] = { protected: protectedFields };
            }
          });
        });
        return { scopes, matrix, fields };
      }),
  );

function build(definition: Definition): Policy {
  return definePolicy({
    scopes: definition.scopes,
    matrix: definition.matrix as Matrix<string>,
    fields: definition.fields as never,
  }) as unknown as Policy;
}

// Biased towards the interesting cases (known names, one's own record, protected fields) so
// every branch is hit in a few hundred runs; junk still appears in every generator.
const principalArb = (scopes: string[]) =>
  fc.record({
    id: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom<unknown>(...ID_POOL) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>('', undefined, 7) },
    ),
    scopes: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom<unknown>(...scopes) },
        { weight: 1, arbitrary: fc.constantFrom<unknown>('nope', 'ADMIN', 3, null) },
      ),
      { maxLength: 3 },
    ),
  }) as fc.Arbitrary<Principal>;

const selfValueArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(...ID_POOL) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(undefined, null, 1, '', ['p1'], ['p2', 'p1'], [], { id: 'p1' }) },
);

const targetArb = (resources: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom<unknown>(...resources) },
    { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...resources), selfValueArb).map(([type, id]) => subject(type, { id })) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom<unknown>('Nope', '', {}, { id: 'p1' }, 42, null, undefined),
        selfValueArb.map((id) => subject('Nope', { id })),
      ),
    },
  );

const actionArb = (actions: string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<unknown>(...actions) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('nope', '', 'manage', 42) },
  );
const fieldArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...FIELD_POOL, 'role.x', 'org.a.b', 'other') },
  { weight: 3, arbitrary: fc.constant<unknown>(undefined) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>('', null, 0, 5) },
);

const checkArb = definitionArb.chain((definition) => {
  const resources = Object.keys(definition.matrix);
  const actions = Object.keys(definition.matrix[resources[0] as string] as object);
  return fc.record({
    definition: fc.constant(definition),
    principal: principalArb(definition.scopes),
    action: actionArb(actions),
    target: targetArb(resources),
    field: fieldArb,
  });
});

/** The outcome of a call: its boolean, or 'throws'. */
function outcome(run: () => boolean): boolean | 'throws' {
  try {
    return run();
  } catch {
    return 'throws';
  }
}

const RUNS = { numRuns: 500 };

// ---- Properties ------------------------------------------------------------------------------

describe('policy properties', () => {
  it('the fast paths agree with plain CASL (createMongoAbility(rulesFor(p))) on every input', () => {
    fc.assert(
      fc.property(checkArb, ({ definition, principal, action, target, field }) => {
        const policy = build(definition);
        const plain = createMongoAbility(policy.rulesFor(principal));
        const a = action as string;
        const t = target as string;
        const f = field as string;
        const expected = outcome(() => plain.can(a, t, f));
        // The ability is CASL: same answer, and the same exception where CASL throws.
        expect(outcome(() => policy.abilityFor(principal).can(a, t, f))).toBe(expected);
        // The policy never throws: it denies where CASL would throw.
        const allowed = policy.can(principal, a, t, f);
        expect(allowed).toBe(expected === true);
        expect(policy.explain(principal, a, t, f).allowed).toBe(allowed);
      }),
      RUNS,
    );
  });

  it('canEvery() is "allowed on an instance that is not one\'s own", and explain({ every }) agrees', () => {
    fc.assert(
      fc.property(checkArb, ({ definition, principal, action, field }) => {
        const policy = build(definition);
        const plain = createMongoAbility(policy.rulesFor(principal));
        for (const resource of policy.resources) {
          const a = action as string;
          const f = field as string;
          const expected = outcome(() => plain.can(a, subject(resource, { id: 'somebody-else' }), f)) === true;
          expect(policy.canEvery(principal, a, resource, f)).toBe(expected);
          expect(policy.explain(principal, a, resource, f, { every: true }).allowed).toBe(expected);
        }
      }),
      RUNS,
    );
  });

  it('a higher scope never loses a permission', () => {
    fc.assert(
      fc.property(checkArb, ({ definition, action, target, field }) => {
        const policy = build(definition);
        let before = false;
        let beforeEvery = false;
        for (const scope of definition.scopes) {
          const principal = { id: 'p1', scopes: [scope] };
          const now = policy.can(principal, action as string, target as string, field as string);
          const nowEvery = policy.canEvery(principal, action as string, target as string, field as string);
          if (before) expect(now).toBe(true);
          if (beforeEvery) expect(nowEvery).toBe(true);
          before = now;
          beforeEvery = nowEvery;
        }
      }),
      RUNS,
    );
  });

  it('unknown scope tokens never change a decision', () => {
    const unknownTokens = fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(checkArb, unknownTokens, ({ definition, principal, action, target, field }, extra) => {
        const policy = build(definition);
        const unknown = extra.filter((token) => !definition.scopes.includes(token));
        const widened = { ...principal, scopes: [...unknown, ...principal.scopes, ...unknown] };
        const a = action as string;
        const t = target as string;
        const f = field as string;
        expect(policy.can(widened, a, t, f)).toBe(policy.can(principal, a, t, f));
        expect(policy.explain(widened, a, t, f)).toEqual(policy.explain(principal, a, t, f));
        expect(policy.rulesFor(widened)).toEqual(policy.rulesFor(principal));
      }),
      RUNS,
    );
  });

  it('decisions are deterministic: repeated, and across two policies from the same definition', () => {
    fc.assert(
      fc.property(checkArb, ({ definition, principal, action, target, field }) => {
        const one = build(definition);
        const two = build(definition);
        const a = action as string;
        const t = target as string;
        const f = field as string;
        const first = one.explain(principal, a, t, f);
        expect(one.explain(principal, a, t, f)).toEqual(first);
        expect(two.explain(principal, a, t, f)).toEqual(first);
        expect(two.can(principal, a, t, f)).toBe(one.can(principal, a, t, f));
        expect(two.rulesFor(principal)).toEqual(one.rulesFor(principal));
        expect(two.decisionTable()).toEqual(one.decisionTable());
      }),
      RUNS,
    );
  });

  it('authorize() throws exactly when the guard check denies, with the right code', () => {
    fc.assert(
      fc.property(checkArb, ({ definition, principal, action, target, field }) => {
        const policy = build(definition);
        const a = action as string;
        const t = target as string;
        const f = field as string;
        const every = typeof target === 'string';
        const allowed = every ? policy.canEvery(principal, a, t, f) : policy.can(principal, a, t, f);
        let code: string | undefined;
        try {
          policy.authorize(principal, a, t, f);
        } catch (error) {
          expect(isScopeladderError(error)).toBe(true);
          code = (error as { code: string }).code;
        }
        if (allowed) {
          expect(code).toBeUndefined();
        } else {
          const decision = policy.explain(principal, a, t, f, { every });
          expect(code).toBe(decision.requiredScope === null ? 'ERR_FORBIDDEN' : 'ERR_INSUFFICIENT_SCOPE');
        }
      }),
      RUNS,
    );
  });

  it('decisionTable() agrees with the checks, scope by scope', () => {
    fc.assert(
      fc.property(definitionArb, (definition) => {
        const policy = build(definition);
        for (const row of policy.decisionTable()) {
          for (const scope of definition.scopes) {
            const principal = { id: 'p1', scopes: [scope] };
            const target = subject(row.resource, { id: row.self ? 'p1' : 'p2' });
            expect(policy.can(principal, row.action, target)).toBe(row.allowed[scope]);
          }
          expect(row.requiredScope).toBe(policy.requiredScope(row.action, row.resource, { self: row.self }));
        }
      }),
      { numRuns: 100 },
    );
  });
});
