import { createMongoAbility, subject } from '@casl/ability';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// Not in core's package.json on purpose: @scopeladder/testing depends on core (a cycle); vitest and tsconfig paths resolve it to sources.
import {
  DEFAULT_PROTECTED_FIELDS,
  arbitraries,
  assertCascadeMonotonic,
  assertDenyByDefault,
  assertDeterministic,
  assertNoSelfEscalation,
  assertRulesSurviveJson,
  assertSelfIsolation,
  assertUnknownScopesGrantNothing,
  type GeneratedPolicyDefinition,
  type InvariantOptions,
  type PolicyVocabulary,
} from '@scopeladder/testing';
import { definePolicy, isScopeladderError, type Policy, type Principal } from './index.js';

// The invariants every policy must keep come from @scopeladder/testing, run over random policies
// (its `policyDefinition()`: random ladders with awkward scope names, monotone matrices, protected
// fields). What stays here is core's own contract, which the package cannot express: the fast
// paths against plain CASL, canEvery/explain/authorize/decisionTable, and all of it on malformed
// input that a type system forbids (non-string ids, scopes, actions, targets and fields).

function build(definition: GeneratedPolicyDefinition): Policy {
  return definePolicy(definition as never) as unknown as Policy;
}

function vocabularyOf(definition: GeneratedPolicyDefinition): PolicyVocabulary {
  const resources = Object.keys(definition.matrix);
  return { resources, actions: Object.keys(definition.matrix[resources[0] as string] as object) };
}

function declaredFields(definition: GeneratedPolicyDefinition): string[] {
  const names = Object.values(definition.fields ?? {}).flatMap((row) => Object.values(row).flatMap((rule) => rule.protected));
  return [...new Set(names)];
}

/** Fields to probe: the usual protected ones, the policy's own, nested paths into them, and an unprotected one. */
function fieldsToProbe(definition: GeneratedPolicyDefinition): string[] {
  const protectedNames = [...new Set([...DEFAULT_PROTECTED_FIELDS, ...declaredFields(definition)])];
  return [...protectedNames, ...protectedNames.map((name) => `${name}.x`), 'unprotected'];
}

// ---- Inputs: testing's arbitraries, plus the malformed values only core must survive ----------

const junkId = arbitraries.junkId();
/** Non-strings that read like the policy's own scopes (`['admin']`, `new String('admin')`…). */
const junkScope = (scopes: readonly string[]) => arbitraries.junkScope(scopes);

/** A principal a type system forbids: a non-string id, or non-string elements among real scopes. */
const malformedPrincipal = (scopes: readonly string[]) =>
  fc.record({
    id: fc.oneof(junkId, arbitraries.principalId()),
    scopes: fc.array(fc.oneof(arbitraries.scope(scopes), junkScope(scopes)), { maxLength: 4 }),
  }) as unknown as fc.Arbitrary<Principal>;

const principalArb = (scopes: readonly string[]) =>
  fc.oneof(
    { weight: 8, arbitrary: arbitraries.principal(scopes, { unknownScopes: true, hostileScopes: true }) },
    { weight: 1, arbitrary: malformedPrincipal(scopes) },
  );

/** Subjects CASL's conditions could match by accident: the own id inside an array or an object, no id, a wrong type. */
const malformedTarget = (vocabulary: PolicyVocabulary, principal: Principal) => {
  const id: unknown = principal.id;
  const oddId = fc.constantFrom<unknown>(undefined, null, 1, '', [id], ['somebody-else', id], [], { id });
  return fc.oneof(
    fc.constantFrom<unknown>('', {}, { id }, 42, null, undefined),
    arbitraries.unknownResourceType(vocabulary),
    fc
      .tuple(arbitraries.unknownResourceType(vocabulary), fc.constantFrom<unknown>(id, 'somebody-else'))
      .map(([type, value]) => subject(type, { id: value })),
    fc.tuple(arbitraries.resourceType(vocabulary), oddId).map(([type, value]) => subject(type, { id: value })),
  );
};

const targetArb = (vocabulary: PolicyVocabulary, principal: Principal): fc.Arbitrary<unknown> =>
  typeof principal.id === 'string'
    ? fc.oneof(
        { weight: 8, arbitrary: arbitraries.target(vocabulary, principal).map((target) => target.subject) },
        { weight: 2, arbitrary: malformedTarget(vocabulary, principal) },
      )
    : malformedTarget(vocabulary, principal);

const actionArb = (vocabulary: PolicyVocabulary) =>
  fc.oneof(
    { weight: 8, arbitrary: arbitraries.action(vocabulary) as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: arbitraries.unknownAction(vocabulary) },
    { weight: 1, arbitrary: arbitraries.junkAction(vocabulary) },
  );

const fieldArb = (definition: GeneratedPolicyDefinition) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<unknown>(undefined) },
    { weight: 4, arbitrary: fc.constantFrom<unknown>(...fieldsToProbe(definition), `${DEFAULT_PROTECTED_FIELDS[0] ?? 'role'}.a.b`) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('', null, 0, 5) },
  );

const checkArb = arbitraries.policyDefinition().chain((definition) => {
  const vocabulary = vocabularyOf(definition);
  return principalArb(definition.scopes).chain((principal) =>
    fc.record({
      definition: fc.constant(definition),
      principal: fc.constant(principal),
      action: actionArb(vocabulary),
      target: targetArb(vocabulary, principal),
      field: fieldArb(definition),
    }),
  );
});

/** The outcome of a call: its boolean, or 'throws'. */
function outcome(run: () => boolean): boolean | 'throws' {
  try {
    return run();
  } catch {
    return 'throws';
  }
}

/** What the ability answers where plain CASL answers `casl`: the same, but a junk field is denied. */
function abilityOutcome(casl: boolean | 'throws', field: unknown): boolean | 'throws' {
  return field && typeof field !== 'string' ? false : casl;
}

/** Which rule CASL finds relevant: none, a regular or an inverted one, or 'throws'. */
function ruleOutcome(run: () => { readonly inverted: boolean } | null): string {
  try {
    const rule = run();
    return rule === null ? 'none' : rule.inverted ? 'inverted' : 'regular';
  } catch {
    return 'throws';
  }
}

const RUNS = { numRuns: 500 };

// ---- The invariants of @scopeladder/testing, over random policies ----------------------------

/**
 * Runs `assertion` on random policies. The outer property hands the inner one its seed, so a
 * failure prints the definition and seed that replay it.
 */
function overRandomPolicies(
  assertion: (policy: Policy, definition: GeneratedPolicyDefinition, options: Required<Pick<InvariantOptions, 'numRuns' | 'seed'>>) => void,
  numRuns = 60,
): void {
  fc.assert(
    fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
      assertion(build(definition), definition, { numRuns: 10, seed });
    }),
    { numRuns },
  );
}

describe('policy invariants (@scopeladder/testing) over random policies', () => {
  it('a higher scope never loses a permission (can and canEvery, per field)', () => {
    overRandomPolicies((policy, definition, options) => assertCascadeMonotonic(policy, { ...options, fields: fieldsToProbe(definition) }));
  });

  it('unknown and malformed scopes never change a decision (can and canEvery)', () => {
    overRandomPolicies((policy, definition, options) => assertUnknownScopesGrantNothing(policy, { ...options, fields: fieldsToProbe(definition) }));
  });

  it('denies by default: unknown actions and resources, principals without a known scope', () => {
    overRandomPolicies((policy, definition, options) => assertDenyByDefault(policy, { ...options, fields: fieldsToProbe(definition) }));
  });

  it('a "(self)" grant reaches only the principal\'s own record', () => {
    overRandomPolicies((policy, _definition, options) => assertSelfIsolation(policy, options));
  });

  it('nobody writes a field protected on its own record unless it may write it on any record', () => {
    overRandomPolicies((policy, _definition, options) => assertNoSelfEscalation(policy, { ...options, fields: [], actions: policy.actions }));
  });

  it('decisions are deterministic: repeated, after other principals, on copies, via can/explain/abilityFor', () => {
    overRandomPolicies((policy, definition, options) =>
      assertDeterministic(policy, { ...options, fields: fieldsToProbe(definition), questions: 20 }),
    );
  });

  it('rulesFor() is plain JSON and an ability built from it decides like the policy', () => {
    overRandomPolicies((policy, definition, options) => assertRulesSurviveJson(policy, { ...options, fields: fieldsToProbe(definition) }));
  });
});

// ---- Core's own contract, on every input (malformed included) --------------------------------

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
        // The ability is CASL: same answer, and the same exception where CASL throws — except on a
        // field that is not a string, which it denies (as the policy does) where CASL throws.
        expect(outcome(() => policy.abilityFor(principal).can(a, t, f))).toBe(abilityOutcome(expected, f));
        // The policy never throws: it denies where CASL would throw.
        const allowed = policy.can(principal, a, t, f);
        expect(allowed).toBe(expected === true);
        expect(policy.explain(principal, a, t, f).allowed).toBe(allowed);
      }),
      RUNS,
    );
  });

  // The property above builds one policy per check, so every abilityFor() there starts with an
  // empty cache. Here many principals share one policy with a tiny cache: the CASL abilities
  // behind the abilities are built, found again (same id, same or other level), and evicted.
  it('abilities of many principals on one policy (CASL cache hits, misses, evictions) agree with plain CASL', () => {
    const sharedIdPrincipal = (scopes: readonly string[]) =>
      fc.record({
        id: fc.constantFrom('p1', 'p2', 'p3'),
        scopes: fc.array(fc.oneof(arbitraries.scope(scopes), junkScope(scopes)), { maxLength: 3 }),
      }) as unknown as fc.Arbitrary<Principal>;
    const callsArb = arbitraries.policyDefinition().chain((definition) => {
      const vocabulary = vocabularyOf(definition);
      const call = sharedIdPrincipal(definition.scopes).chain((principal) =>
        fc.record({
          principal: fc.constant(principal),
          action: actionArb(vocabulary),
          target: targetArb(vocabulary, principal),
          field: fieldArb(definition),
        }),
      );
      return fc.record({
        definition: fc.constant(definition),
        cacheSize: fc.integer({ min: 1, max: 4 }),
        calls: fc.array(call, { minLength: 1, maxLength: 25 }),
      });
    });
    fc.assert(
      fc.property(callsArb, ({ definition, cacheSize, calls }) => {
        const policy = build({ ...definition, cacheSize } as GeneratedPolicyDefinition);
        for (const { principal, action, target, field } of calls) {
          const rules = policy.rulesFor(principal);
          const plain = createMongoAbility(rules);
          const ability = policy.abilityFor(principal);
          const a = action as string;
          const t = target as string;
          const f = field as string;
          expect(outcome(() => ability.can(a, t, f))).toBe(
            abilityOutcome(
              outcome(() => plain.can(a, t, f)),
              f,
            ),
          );
          // Through the CASL ability itself (built or taken from the cache).
          expect(ability.rules).toEqual(rules);
          expect(ruleOutcome(() => ability.relevantRuleFor(a, t, f))).toBe(ruleOutcome(() => plain.relevantRuleFor(a, t, f)));
          expect(policy.can(principal, a, t, f)).toBe(outcome(() => plain.can(a, t, f)) === true);
        }
      }),
      { numRuns: 300 },
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

  // assertCascadeMonotonic covers well-formed principals and subjects; this covers malformed ones.
  it('a higher scope never loses a permission, whatever the subject, action and field', () => {
    fc.assert(
      fc.property(checkArb, ({ definition, principal, action, target, field }) => {
        const policy = build(definition);
        let before = false;
        let beforeEvery = false;
        for (const scope of definition.scopes) {
          const holder = { id: principal.id, scopes: [scope] };
          const now = policy.can(holder, action as string, target as string, field as string);
          const nowEvery = policy.canEvery(holder, action as string, target as string, field as string);
          if (before) expect(now).toBe(true);
          if (beforeEvery) expect(nowEvery).toBe(true);
          before = now;
          beforeEvery = nowEvery;
        }
      }),
      RUNS,
    );
  });

  // assertUnknownScopesGrantNothing compares can/canEvery; this also pins explain() and rulesFor().
  it('unknown scope tokens and non-string scope values change neither a decision, nor its explanation, nor the rules', () => {
    fc.assert(
      fc.property(
        checkArb.chain((check) =>
          fc.record({
            check: fc.constant(check),
            extra: fc.array(
              fc.oneof(
                arbitraries.unknownScope(check.definition.scopes),
                arbitraries.hostileScope(check.definition.scopes),
                arbitraries.junkScope(check.definition.scopes),
                fc.string({ maxLength: 8 }),
              ),
              { minLength: 1, maxLength: 4 },
            ),
          }),
        ),
        ({ check: { definition, principal, action, target, field }, extra }) => {
          const policy = build(definition);
          const unknown = extra.filter((token) => typeof token !== 'string' || !definition.scopes.includes(token));
          const widened = { ...principal, scopes: [...unknown, ...principal.scopes, ...unknown] } as unknown as Principal;
          const a = action as string;
          const t = target as string;
          const f = field as string;
          expect(policy.can(widened, a, t, f)).toBe(policy.can(principal, a, t, f));
          expect(policy.explain(widened, a, t, f)).toEqual(policy.explain(principal, a, t, f));
          expect(policy.rulesFor(widened)).toEqual(policy.rulesFor(principal));
        },
      ),
      RUNS,
    );
  });

  // Mongo semantics make `{ id: null }` match a record whose id is null or missing: a principal
  // without a usable id must never get a "(self)" rule, or it would own every id-less record.
  it('a principal without a usable id has no "(self)" grant: on an instance it gets exactly what it gets on every instance', () => {
    fc.assert(
      fc.property(
        arbitraries.policyDefinition().chain((definition) => {
          const vocabulary = vocabularyOf(definition);
          return fc.record({
            definition: fc.constant(definition),
            principal: fc.record({
              id: arbitraries.junkId(),
              scopes: fc.shuffledSubarray([...definition.scopes], { minLength: 1 }),
            }) as unknown as fc.Arbitrary<Principal>,
            action: arbitraries.action(vocabulary),
            type: arbitraries.resourceType(vocabulary),
            record: fc.constantFrom<Record<string, unknown>>({}, { id: null }, { id: undefined }, { id: '' }, { name: 'x' }),
            field: fc.constantFrom<string | undefined>(undefined, 'name'),
          });
        }),
        ({ definition, principal, action, type, record, field }) => {
          const policy = build(definition);
          const target = subject(type, { ...record });
          const every = policy.canEvery(principal, action, type, field);
          expect(policy.can(principal, action, target, field)).toBe(every);
          expect(policy.can(principal, action, type, field)).toBe(every);
          expect(policy.explain(principal, action, target, field).allowed).toBe(every);
          expect(policy.abilityFor(principal).can(action, target, field)).toBe(every);
          expect(createMongoAbility(policy.rulesFor(principal)).can(action, target, field)).toBe(every);
          expect(policy.rulesFor(principal).some((rule) => rule.conditions !== undefined)).toBe(false);
        },
      ),
      RUNS,
    );
  });

  // assertDeterministic compares answers within one policy; this compares whole decisions across two.
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

  // Found by testing's ladder(), whose scope names include `__proto__`: pinned here.
  it('decisionTable() keeps scopes named like Object.prototype members', () => {
    const policy = build({ scopes: ['__proto__', 'constructor'], matrix: { A: { a: { any: 'constructor', self: '__proto__' } } } });
    const [selfRow, anyRow] = policy.decisionTable();
    expect(selfRow?.allowed).toEqual({ ['__proto__']: true, constructor: true });
    expect(Object.keys(selfRow?.allowed ?? {})).toEqual(['__proto__', 'constructor']);
    expect(anyRow?.allowed['__proto__']).toBe(false);
    expect(anyRow?.allowed['constructor']).toBe(true);
  });

  it('decisionTable() agrees with the checks, scope by scope', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), arbitraries.principalId(), (definition, id) => {
        const policy = build(definition);
        for (const row of policy.decisionTable()) {
          for (const scope of definition.scopes) {
            const principal = { id, scopes: [scope] };
            const target = subject(row.resource, { id: row.self ? id : `${id}-other` });
            expect(policy.can(principal, row.action, target)).toBe(row.allowed[scope]);
          }
          expect(row.requiredScope).toBe(policy.requiredScope(row.action, row.resource, { self: row.self }));
        }
      }),
      { numRuns: 100 },
    );
  });
});
