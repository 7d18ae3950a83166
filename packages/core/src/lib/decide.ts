// Pure decision functions over a compiled policy. They mirror, exactly, what a CASL MongoAbility
// built from `rulesAt()` answers (property-tested), without building one.
import { mongoQueryMatcher } from '@casl/ability';
import type { Decision, DecisionReason } from '../policy-types.js';
import { hasLineTerminator, type CompiledCell, type CompiledPolicy } from './compile-policy.js';
import { detectTypeName } from './subject-type.js';
import { principalPath, recordReaches } from './tenancy.js';

/** The principal's level: 1 + the rank of its highest known scope; 0 when it holds none. */
export function levelOf(compiled: CompiledPolicy, principal: unknown): number {
  if (typeof principal !== 'object' || principal === null) return 0;
  const scopes = (principal as { scopes?: unknown }).scopes;
  if (!Array.isArray(scopes)) return 0;
  const levels = compiled.levels;
  let best = 0;
  for (let i = 0; i < scopes.length; i++) {
    const scope: unknown = scopes[i];
    if (typeof scope === 'string') {
      const level = levels[scope];
      if (level !== undefined && level > best) best = level;
    }
  }
  return best;
}

/** The principal's id when it can anchor a self rule (a non-empty string), else `null`. */
export function idOf(principal: unknown): string | null {
  if (typeof principal !== 'object' || principal === null) return null;
  const id = (principal as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : null;
}

/**
 * Whether a self value read from a target (read once, by the caller) matches `id`, with CASL's
 * `{ [selfField]: id }` semantics: a string is compared directly; anything else goes through CASL's
 * own Mongo matcher over a snapshot `{ [selfField]: value }`, so arrays, RegExps and the like behave
 * exactly as in an ability, and a getter is never read twice. Never throws.
 */
export function selfValueMatches(selfField: string, id: string, value: unknown): boolean {
  if (typeof value === 'string') return value === id;
  try {
    return mongoQueryMatcher({ [selfField]: id })({ [selfField]: value });
  } catch {
    return false;
  }
}

/**
 * Whether `target` is the principal's own record, with CASL's `{ [selfField]: id }` semantics
 * (see {@link selfValueMatches}; the self value is read once). Never throws.
 */
export function isSelf(selfField: string, id: string, target: object): boolean {
  let value: unknown;
  try {
    value = (target as Record<string, unknown>)[selfField];
  } catch {
    return false;
  }
  return selfValueMatches(selfField, id, value);
}

/**
 * The instance check shared by the policy and its abilities, from the cell and the principal's
 * rank (level - 1). The self value is read once and decided on that snapshot (CASL's matcher when
 * it is not a string). `field` must already be normalised and valid: `undefined` or a non-empty
 * string without a line terminator. May throw if reading `target[selfField]` throws.
 */
export function canCellFast(
  selfField: string,
  cell: CompiledCell,
  rank: number,
  id: string | null,
  target: object,
  field: string | undefined,
): boolean {
  if (rank >= cell.any) return true;
  if (rank < cell.self || id === null) return false;
  const value: unknown = (target as Record<string, unknown>)[selfField];
  if (value !== id && (typeof value === 'string' || !selfValueMatches(selfField, id, value))) return false;
  return field === undefined || cell.matchProtected === null || !cell.matchProtected(field);
}

/** The lowest known scope the principal holds at or above `rank`, or `null`. */
function lowestHeldFrom(compiled: CompiledPolicy, principal: unknown, rank: number): string | null {
  const scopes = (principal as { scopes?: unknown }).scopes;
  if (!Array.isArray(scopes)) return null;
  let best = compiled.never;
  for (const scope of scopes as unknown[]) {
    if (typeof scope !== 'string') continue;
    const level = compiled.levels[scope];
    if (level !== undefined && level - 1 >= rank && level - 1 < best) best = level - 1;
  }
  return best === compiled.never ? null : (compiled.ladder.scopes[best] as string);
}

const MAX_ECHO = 128;
function echo(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_ECHO) : '';
}

function denied(action: unknown, subject: string, field: string | undefined, reason: DecisionReason, requiredScope: string | null = null): Decision {
  return Object.freeze({
    allowed: false,
    action: echo(action),
    subject: subject.slice(0, MAX_ECHO),
    ...(field === undefined ? {} : { field: field.slice(0, MAX_ECHO) }),
    requiredScope,
    grantedBy: null,
    reason,
    conditional: false,
  });
}

/**
 * The full decision for one check, as {@link Policy.explain} returns it. `every` applies to type
 * targets only: decide for every instance instead of some instance.
 */
export function explainCheck(
  compiled: CompiledPolicy,
  principal: unknown,
  action: unknown,
  target: unknown,
  rawField: unknown,
  every: boolean,
): Decision {
  const subject = detectTypeName(target) ?? '';
  const field = typeof rawField === 'string' && rawField !== '' ? rawField : undefined;
  const row = typeof action === 'string' ? compiled.cells[action] : undefined;
  if (row === undefined) return denied(action, subject, field, 'unknown_action');
  const cell = subject === '' ? undefined : row[subject];
  if (cell === undefined) return denied(action, subject, field, 'unknown_subject');
  if (rawField && typeof rawField !== 'string') return denied(action, subject, undefined, 'invalid_field');
  if (field !== undefined && hasLineTerminator(field)) return denied(action, subject, field, 'invalid_field');

  const instance = typeof target === 'object' && target !== null;
  const tenancy = compiled.tenancy;
  if (tenancy !== null) {
    const path = principalPath(tenancy, principal);
    if (path === null) return denied(action, subject, field, 'no_organization');
    if (instance && !recordReaches(tenancy, subject, path, target)) return denied(action, subject, field, 'other_organization');
  }

  const never = compiled.never;
  const rank = levelOf(compiled, principal) - 1;
  const id = idOf(principal);
  const self = id === null ? never : cell.self;
  const fieldProtected = field !== undefined && cell.matchProtected !== null && cell.matchProtected(field);
  const selfMatch = instance && self !== never && isSelf(compiled.selfField, id as string, target);

  let required: number;
  if (!instance) required = every ? cell.any : Math.min(cell.any, self);
  else if (selfMatch) required = fieldProtected ? cell.any : Math.min(cell.any, self);
  else required = cell.any;

  const requiredScope = required < never ? (compiled.ladder.scopes[required] as string) : null;
  if (rank >= required) {
    return Object.freeze({
      allowed: true,
      action: action as string,
      subject,
      ...(field === undefined ? {} : { field }),
      requiredScope,
      grantedBy: lowestHeldFrom(compiled, principal, required),
      reason: 'granted',
      conditional: rank < cell.any,
    });
  }

  const hasSelfGrant = rank >= self;
  let reason: DecisionReason;
  if (hasSelfGrant && (instance ? !selfMatch : every)) reason = 'not_self';
  else if (hasSelfGrant && selfMatch && fieldProtected) reason = 'field_not_permitted';
  else if (requiredScope === null) reason = 'forbidden';
  else if (rank < 0) reason = 'no_known_scope';
  else reason = 'insufficient_scope';
  return denied(action, subject, field, reason, requiredScope);
}
