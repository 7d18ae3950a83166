const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION = /^(\d{1,9})(s|m|h|d|w)?$/;

/**
 * Parses a duration option into whole seconds: a number of seconds, or a string such as
 * `'90s'`, `'15m'`, `'24h'`, `'30d'`, `'2w'` (a bare number string means seconds).
 * Throws a `TypeError` naming the option when the value is not a duration in `[min, max]`.
 */
export function parseDuration(name: string, value: unknown, { min, max }: { readonly min: number; readonly max: number }): number {
  let seconds: number | undefined;
  if (typeof value === 'number' && Number.isInteger(value)) {
    seconds = value;
  } else if (typeof value === 'string') {
    const match = DURATION.exec(value);
    if (match) seconds = Number(match[1]) * (UNIT_SECONDS[match[2] ?? 's'] ?? Number.NaN);
  }
  if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds < min || seconds > max) {
    throw new TypeError(
      `${name} must be a whole number of seconds or a duration like '90s', '15m', '24h', '30d' ` + `(between ${min} and ${max} seconds)`,
    );
  }
  return seconds;
}
