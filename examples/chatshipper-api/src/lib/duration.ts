const DURATION = /^(\d{1,9})(ms|s|m|h|d)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `24h`, `90s`, `2s`, `15m`, `7d` or `500ms` into milliseconds.
 * Returns `null` for anything else (no unit, spaces, decimals, negative numbers).
 *
 * @example
 * ```ts
 * parseDurationMs('90s'); // 90000
 * parseDurationMs('1.5h'); // null
 * ```
 */
export function parseDurationMs(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const [, amount, unit] = match;
  const factor = UNIT_MS[unit ?? ''];
  if (amount === undefined || factor === undefined) return null;
  return Number(amount) * factor;
}
