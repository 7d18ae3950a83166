import fc from 'fast-check';
import { definePolicy, type Matrix, type MatrixCell, type Policy } from '@scopeladder/core';
import { matching } from '../lib/memo.js';
import { scopesOf, type ScopeSource } from '../lib/scope-source.js';
import { scopeToken } from './scopes.js';

/**
 * Options of {@link ladder}.
 *
 * @example
 * ```ts
 * const short = arbitraries.ladder({ minLength: 2, maxLength: 3 });
 * ```
 */
export interface LadderArbitraryOptions {
  /** Fewest scopes. Default 1. */
  readonly minLength?: number | undefined;
  /** Most scopes. Default 6. */
  readonly maxLength?: number | undefined;
}

/**
 * Options of {@link monotoneMatrix}.
 *
 * @example
 * ```ts
 * const matrices = arbitraries.monotoneMatrix(['reader', 'owner'], { resources: ['Note'], actions: ['read', 'write'] });
 * ```
 */
export interface MonotoneMatrixOptions {
  /** The resource names. Default: 1 to 4 random names (`[A-Z][A-Za-z0-9_]*`). */
  readonly resources?: fc.Arbitrary<readonly string[]> | readonly string[] | undefined;
  /** The action names. Default: 1 to 4 random names (`[a-z][A-Za-z0-9_]*`, `constructor` and friends included). */
  readonly actions?: fc.Arbitrary<readonly string[]> | readonly string[] | undefined;
}

/**
 * Options of {@link policyDefinition} and {@link policy}.
 *
 * @example
 * ```ts
 * const small = arbitraries.policyDefinition({ maxLength: 3, fields: false });
 * ```
 */
export interface PolicyDefinitionOptions extends LadderArbitraryOptions, MonotoneMatrixOptions {
  /** Also generate protected fields on cells that have a self grant. Default `true`. */
  readonly fields?: boolean | undefined;
}

/**
 * A generated input for `definePolicy`.
 *
 * @example
 * ```ts
 * const definition: GeneratedPolicyDefinition = { scopes: ['a', 'b'], matrix: { Note: { read: 'a', write: { any: 'b', self: 'a' } } } };
 * ```
 */
export interface GeneratedPolicyDefinition {
  readonly scopes: readonly string[];
  readonly matrix: Matrix;
  readonly fields?: { readonly [resource: string]: { readonly [action: string]: { readonly protected: readonly string[] } } };
}

/**
 * The scopes of a random ladder, lowest first: distinct valid scope tokens, including the
 * awkward ones (`__proto__`, `constructor`, `manage`, `*`). Pass them to `defineLadder` or as
 * `definePolicy({ scopes })`.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.ladder(), (scopes) => {
 *   const ladder = defineLadder(scopes);
 *   return scopes.every((scope, rank) => ladder.rank(scope) === rank);
 * }));
 * ```
 */
export function ladder(options: LadderArbitraryOptions = {}): fc.Arbitrary<string[]> {
  const { minLength = 1, maxLength = 6 } = options;
  if (!Number.isSafeInteger(minLength) || minLength < 1 || !Number.isSafeInteger(maxLength) || maxLength < minLength) {
    throw new TypeError('arbitraries.ladder: minLength and maxLength must be integers with 1 <= minLength <= maxLength');
  }
  return fc.uniqueArray(scopeToken(), { minLength, maxLength });
}

/**
 * A random matrix over a ladder that `definePolicy` accepts, and that is monotone by
 * construction: every resource lists every action; each cell is `null` (no scope), the lowest
 * scope allowed, or `{ any, self }` with `self` strictly below `any` (`any` possibly `null` or
 * absent).
 *
 * @example
 * ```ts
 * const definitions = arbitraries.ladder().chain((scopes) =>
 *   arbitraries.monotoneMatrix(scopes).map((matrix) => ({ scopes, matrix })),
 * );
 * fc.assert(fc.property(definitions, (definition) => {
 *   assertCascadeMonotonic(definePolicy(definition), { numRuns: 10, seed: 1 });
 * }));
 * ```
 */
export function monotoneMatrix(source: ScopeSource, options: MonotoneMatrixOptions = {}): fc.Arbitrary<Matrix> {
  const scopes = scopesOf('arbitraries.monotoneMatrix', source);
  const resources = names(options.resources, resourceName());
  const actions = names(options.actions, actionName());
  const cell = matrixCell(scopes);
  return fc.tuple(resources, actions).chain(([resourceList, actionList]) => {
    const rows = resourceList.map((resource) =>
      fc
        .tuple(...actionList.map((action) => cell.map((value): [string, MatrixCell] => [action, value])))
        .map((entries): [string, Record<string, MatrixCell>] => [resource, Object.fromEntries(entries)]),
    );
    return fc.tuple(...rows).map((entries): Matrix => Object.fromEntries(entries));
  });
}

/**
 * A whole random `definePolicy` input: `{ scopes, matrix, fields? }` from {@link ladder} and
 * {@link monotoneMatrix}, with protected fields on some self cells.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.policyDefinition(), (definition) => {
 *   const policy = definePolicy(definition);
 *   assertSelfIsolation(policy, { numRuns: 5, seed: 42 });
 * }));
 * ```
 */
export function policyDefinition(options: PolicyDefinitionOptions = {}): fc.Arbitrary<GeneratedPolicyDefinition> {
  return ladder(options).chain((scopes) =>
    monotoneMatrix(scopes, options).chain((matrix) => {
      const selfCells = Object.entries(matrix).flatMap(([resource, row]) =>
        Object.entries(row)
          .filter(([, value]) => typeof value === 'object' && value !== null)
          .map(([action]) => [resource, action] as const),
      );
      if (options.fields === false || selfCells.length === 0) return fc.constant<GeneratedPolicyDefinition>({ scopes, matrix });
      const protectedNames = fc.uniqueArray(matching(/^[a-z][A-Za-z0-9_$-]{0,8}$/), { minLength: 1, maxLength: 3 });
      return fc.subarray(selfCells).chain((chosen) =>
        fc.tuple(...chosen.map(() => protectedNames)).map((lists): GeneratedPolicyDefinition => {
          if (chosen.length === 0) return { scopes, matrix };
          const fields: Record<string, Record<string, { protected: readonly string[] }>> = {};
          chosen.forEach(([resource, action], index) => {
            fields[resource] ??= {};
            (fields[resource] as Record<string, { protected: readonly string[] }>)[action] = { protected: lists[index] ?? [] };
          });
          return { scopes, matrix, fields };
        }),
      );
    }),
  );
}

/**
 * A random policy: `definePolicy(definition)` of a {@link policyDefinition}. Convenient; when a
 * counterexample must be read, prefer generating the definition and calling `definePolicy` in
 * the property, so fast-check prints the data rather than the compiled object.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arbitraries.policy(), fc.integer(), (policy, seed) => {
 *   assertDenyByDefault(policy, { numRuns: 10, seed });
 * }));
 * ```
 */
export function policy(options: PolicyDefinitionOptions = {}): fc.Arbitrary<Policy> {
  return policyDefinition(options).map((definition) => definePolicy(definition as never) as unknown as Policy);
}

function matrixCell(scopes: readonly string[]): fc.Arbitrary<MatrixCell> {
  const n = scopes.length;
  const plain = fc.oneof({ arbitrary: fc.constant(null), weight: 1 }, { arbitrary: fc.constantFrom(...scopes), weight: 4 });
  // self rank in [0, n - 1], any rank in (self, n] where n means "no scope" (null or absent).
  const withSelf = fc
    .integer({ min: 0, max: n - 1 })
    .chain((self) => fc.tuple(fc.constant(self), fc.integer({ min: self + 1, max: n }), fc.boolean()))
    .map(([self, any, omit]): MatrixCell => {
      const selfScope = scopes[self] as string;
      if (any === n) return omit ? { self: selfScope } : { any: null, self: selfScope };
      return { any: scopes[any] as string, self: selfScope };
    });
  return fc.oneof({ arbitrary: plain, weight: 3 }, { arbitrary: withSelf, weight: 1 });
}

function resourceName(): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: matching(/^[A-Z][A-Za-z0-9_]{0,11}$/), weight: 5 },
    { arbitrary: fc.constantFrom('Object', 'Function', 'Array', 'Constructor', 'Prototype'), weight: 1 },
  );
}

function actionName(): fc.Arbitrary<string> {
  return fc
    .oneof(
      { arbitrary: matching(/^[a-z][A-Za-z0-9_]{0,11}$/), weight: 5 },
      { arbitrary: fc.constantFrom('constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf'), weight: 1 },
    )
    .filter((name) => name !== 'manage' && name !== 'all');
}

function names(given: fc.Arbitrary<readonly string[]> | readonly string[] | undefined, name: fc.Arbitrary<string>): fc.Arbitrary<readonly string[]> {
  if (given === undefined) return fc.uniqueArray(name, { minLength: 1, maxLength: 4 });
  if (Array.isArray(given)) {
    if (given.length === 0) throw new TypeError('arbitraries.monotoneMatrix: resources and actions must not be empty');
    return fc.constant(given);
  }
  return given as fc.Arbitrary<readonly string[]>;
}
