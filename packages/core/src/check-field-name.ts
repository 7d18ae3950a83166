import { compileFieldNameCheck, type FieldNameCheck } from './lib/field-name-check.js';

/**
 * What is wrong with a field name, from {@link checkFieldName}:
 * - `control_character`: it contains a C0 or C1 control character, DEL, U+2028 or U+2029;
 * - `reserved`: it is `__proto__` (copied with `Object.assign` or a deep merge, it would replace
 *   the target's prototype);
 * - `confusable`: it is not a protected field (nor one of its sub-paths) but looks like one,
 *   `protectedField`, e.g. `"rоle"` with a Cyrillic `о`, `" role"`, `"Role"`.
 *
 * @example
 * ```ts
 * const problem: FieldNameProblem = { reason: 'confusable', protectedField: 'role' };
 * ```
 */
export type FieldNameProblem =
  { readonly reason: 'control_character' } | { readonly reason: 'reserved' } | { readonly reason: 'confusable'; readonly protectedField: string };

// Compiled checks of frozen lists (a policy's protected fields are frozen): a repeated call
// with the same list computes the protected skeletons once. Unfrozen lists could change.
const compiled = new WeakMap<readonly string[], FieldNameCheck>();

/**
 * Checks a field name (e.g. a key of a request body) against the protected fields of its resource.
 * Returns `null` when the name is fine, else the problem:
 *
 * 1. a control character anywhere (C0, DEL, C1, U+2028, U+2029) → `control_character`; `__proto__`
 *    → `reserved`;
 * 2. a protected name exactly, or one of its sub-paths (`role.x`) → `null`: not a naming problem,
 *    the policy decides who may set it;
 * 3. otherwise, when the name's *skeleton* (or the skeleton of its first path segment, before
 *    `.`) equals a protected name's skeleton → `confusable`, naming that protected field.
 *
 * The skeleton: NFKC normalisation; default-ignorable and format characters removed (zero-width
 * space and joiners, soft hyphen, BOM, bidi controls, variation selectors); Unicode white space
 * trimmed; Cyrillic, Greek and a few Latin look-alikes of ASCII letters and digits mapped to them
 * through a small table; lower-cased (`toLowerCase` after NFKC stands in for case folding).
 * It is a small table, not Unicode TR39: a diacritic (`ròle`) or an ASCII look-alike
 * (`roIe`, `r0le`) is a visible difference and is not refused.
 *
 * With a policy, prefer `policy.checkFieldName(type, name)`: the union of the protected fields of
 * every action of the type, with their skeletons computed once when the policy is defined.
 *
 * @example
 * ```ts
 * import { checkFieldName } from '@scopeladder/core';
 *
 * const protectedFields = ['id', 'role', 'scopes'];
 * checkFieldName('name', protectedFields);       // null
 * checkFieldName('role', protectedFields);       // null (the policy decides)
 * checkFieldName('r\u043Ele', protectedFields);  // { reason: 'confusable', protectedField: 'role' } (Cyrillic о)
 * checkFieldName(' Role', protectedFields);      // { reason: 'confusable', protectedField: 'role' }
 * checkFieldName('role\u0000', protectedFields); // { reason: 'control_character' }
 * ```
 */
export function checkFieldName(name: string, protectedFields: readonly string[]): FieldNameProblem | null {
  if (typeof name !== 'string') throw new TypeError('checkFieldName: name must be a string');
  let check = compiled.get(protectedFields);
  if (check === undefined) {
    if (!Array.isArray(protectedFields) || protectedFields.some((field) => typeof field !== 'string')) {
      throw new TypeError('checkFieldName: protectedFields must be an array of strings');
    }
    check = compileFieldNameCheck(protectedFields);
    if (Object.isFrozen(protectedFields)) compiled.set(protectedFields, check);
  }
  return check(name);
}
