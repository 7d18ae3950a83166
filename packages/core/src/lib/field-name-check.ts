// A field-name check compiled once for a list of protected fields: their skeletons are computed
// here, so a check costs one skeleton (of the name asked about) and two map lookups.
import type { FieldNameProblem } from '../check-field-name.js';
import { firstSegmentOf, hasControlCharacter, isPlainAscii, skeletonOf, skeletonOfNonPlain } from './field-name-skeleton.js';

/** A compiled check: the problem with `name`, or `null` when it has none. */
export type FieldNameCheck = (name: string) => FieldNameProblem | null;

const CONTROL_CHARACTER_PROBLEM: FieldNameProblem = Object.freeze({ reason: 'control_character' });
const RESERVED_PROBLEM: FieldNameProblem = Object.freeze({ reason: 'reserved' });

/**
 * `__proto__`: as a key it is an ordinary own property of a parsed JSON object, but copied with
 * `Object.assign` or a deep merge it replaces the target's prototype (prototype poisoning).
 */
const RESERVED_NAME = '__proto__';

/** The check for names that can imitate nothing: control characters and `__proto__` are a problem. */
export const checkControlCharacters: FieldNameCheck = (name) =>
  name === RESERVED_NAME ? RESERVED_PROBLEM : hasControlCharacter(name) ? CONTROL_CHARACTER_PROBLEM : null;

/**
 * Compiles the check for `protectedFields` (names without dots, as policies declare them). A name
 * that is exactly a protected name, or one of its sub-paths (`role.x`), has no name problem: the
 * policy decides about it.
 */
export function compileFieldNameCheck(protectedFields: readonly string[]): FieldNameCheck {
  if (protectedFields.length === 0) return checkControlCharacters;
  const exact = new Set(protectedFields);
  // Policies declare names without dots; a list given to checkFieldName may have some.
  const dottedPrefixes = protectedFields.filter((field) => field.includes('.')).map((field) => `${field}.`);
  // skeleton → the problem naming the protected field it imitates (the first declared wins).
  const bySkeleton = new Map<string, FieldNameProblem>();
  for (const field of protectedFields) {
    const skeleton = skeletonOf(field);
    if (!bySkeleton.has(skeleton)) bySkeleton.set(skeleton, Object.freeze({ reason: 'confusable', protectedField: field }));
  }
  return (name) => {
    // The common case, printable ASCII: no control character, and the skeleton is the lower case.
    const plain = isPlainAscii(name);
    if (!plain && hasControlCharacter(name)) return CONTROL_CHARACTER_PROBLEM;
    if (name === RESERVED_NAME) return RESERVED_PROBLEM;
    // Exactly a protected name, or one of its sub-paths.
    if (exact.has(name)) return null;
    const dot = name.indexOf('.');
    if (dot !== -1) {
      if (exact.has(name.slice(0, dot))) return null;
      for (const prefix of dottedPrefixes) if (name.startsWith(prefix)) return null;
    }
    const skeleton = plain ? name.toLowerCase() : skeletonOfNonPlain(name);
    const whole = bySkeleton.get(skeleton);
    if (whole !== undefined) return whole;
    const segment = firstSegmentOf(skeleton);
    return segment === null ? null : (bySkeleton.get(segment) ?? null);
  };
}
