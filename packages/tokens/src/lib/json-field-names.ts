/**
 * What a body field name may not contain: C0 and C1 control characters (DEL included) and the
 * line and paragraph separators. Such a name can split a log line or hide a field in a listing.
 */
// eslint-disable-next-line no-control-regex
export const INVALID_FIELD_NAME = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The first field name, at any depth of a parsed JSON value, that is refused: `__proto__`
 * (prototype poisoning, once the value is merged with `Object.assign` or a deep merge) or a name
 * with a character of {@link INVALID_FIELD_NAME}. `undefined` when every name is acceptable.
 * Iterative (an explicit stack), linear in the size of the value.
 */
export function findInvalidFieldName(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (const item of current) pending.push(item);
      continue;
    }
    for (const key of Object.keys(current)) {
      if (key === '__proto__' || INVALID_FIELD_NAME.test(key)) return key;
      pending.push((current as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}
