/**
 * The client-error status an error carries, read as frameworks and `http-errors` do: `status`,
 * else `statusCode`. `undefined` unless it is an integer in 400–499.
 */
export function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 400 && value < 500 ? value : undefined;
}
