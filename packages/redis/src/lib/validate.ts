/**
 * Argument checks. The store is called by the auth service, never with raw client input, so a
 * wrong type here is a programming error: `TypeError`, thrown before any Redis round trip.
 */

/** A non-empty string (digests, ids, keys). */
export function assertText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string`);
  }
}

/** A finite number (epoch milliseconds). */
export function assertTime(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite number (epoch milliseconds)`);
  }
}

/** A positive finite duration in milliseconds. */
export function assertDuration(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number of milliseconds`);
  }
}

/** An array of strings. */
export function assertStringArray(value: unknown, name: string): asserts value is readonly string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new TypeError(`${name} must be an array of strings`);
  }
}
