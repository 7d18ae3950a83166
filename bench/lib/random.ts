// Deterministic inputs: every run, and every implementation, sees the same sequence of queries.

/** A seeded PRNG (mulberry32): numbers in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n). */
export function pickIndex(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** One element of a non-empty array. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[pickIndex(random, items.length)] as T;
}

/** A ChatShipper-style id: 24 lowercase hex characters. */
export function hexId(random: () => number): string {
  let id = '';
  for (let i = 0; i < 24; i++) id += pickIndex(random, 16).toString(16);
  return id;
}
