/**
 * A bounded cache of verified access tokens, keyed by the exact token string. Only tokens that
 * passed full verification enter it, so it cannot be filled with garbage; the caller checks each
 * entry's expiry. Revocation is NOT cached: the service asks the store on every request.
 *
 * Eviction is by generations rather than strict LRU: entries go into a young generation; when it
 * holds half the capacity, it becomes the old generation and the previous old one is dropped
 * whole. A hit in the old generation moves the entry back to the young one. So a token used at
 * least once per generation stays, one unused for two generations goes, and every operation is a
 * couple of `Map` calls (a strict LRU on a `Map` pays a delete and a re-insert per hit, and its
 * eviction must walk over the holes those deletes leave).
 */
export interface VerifiedTokenCache {
  /**
   * The entry of exactly `token`, or `undefined`. An entry is returned even when it has expired
   * (the caller reads its clock only once it knows the credential is one it has seen; see
   * `authenticate`): compare `expiresAtMs` with the time, and `delete` an expired entry.
   */
  get(token: string): CachedToken | undefined;
  set(token: string, entry: CachedToken): void;
  delete(token: string): void;
  readonly size: number;
}

/** What is kept per token: anything, plus when it stops being valid (epoch ms). */
export interface CachedToken {
  readonly expiresAtMs: number;
  readonly value: unknown;
}

interface Slot {
  readonly token: string;
  readonly entry: CachedToken;
}

// The maps are keyed by the token's last characters, and a slot matches only its exact token.
// Hashing a whole token (hundreds of characters, a new string on every request) costs more than
// everything else on a cache hit; its end is the signature, random for every token the service
// signed (≥ 90 bits in these 16 characters), and comparing two strings for equality is cheap.
// Distinct tokens with the same end simply replace one another: the cache holds one of them.
const KEY_LENGTH = 16;

function keyOf(token: string): string {
  return token.length > KEY_LENGTH ? token.slice(token.length - KEY_LENGTH) : token;
}

/**
 * Creates a {@link VerifiedTokenCache} holding at most `maxEntries` tokens (a positive integer).
 * Each generation holds at most `ceil(maxEntries / 2)` tokens and the young one is retired as
 * soon as it is full, so both together never hold more than `maxEntries`.
 */
export function createVerifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('createVerifiedTokenCache: maxEntries must be a positive integer');
  }
  const generationSize = Math.ceil(maxEntries / 2);
  let young = new Map<string, Slot>();
  let old = new Map<string, Slot>();

  // `key` is not in the young generation when this is called.
  const insert = (key: string, slot: Slot): void => {
    young.set(key, slot);
    if (young.size >= generationSize) {
      old = young;
      young = new Map();
    }
  };

  return {
    get(token) {
      const key = keyOf(token);
      const slot = young.get(key);
      if (slot !== undefined && slot.token === token) return slot.entry;
      const aged = old.get(key);
      if (aged === undefined || aged.token !== token) return undefined;
      // Recently used: promoted (unless another token holds its young slot). Also left in the
      // old generation, which goes as a whole soon: deleting from it would cost more than the
      // space, which the bound already counts.
      if (slot === undefined) insert(key, aged);
      return aged.entry;
    },
    set(token, entry) {
      const key = keyOf(token);
      const slot: Slot = { token, entry };
      old.delete(key); // an older entry of the token, if any, goes
      if (young.has(key)) young.set(key, slot);
      else insert(key, slot);
    },
    delete(token) {
      const key = keyOf(token);
      if (young.get(key)?.token === token) young.delete(key);
      if (old.get(key)?.token === token) old.delete(key);
    },
    // Distinct tokens (a promoted one is in both generations). Not on the request path.
    get size() {
      let count = old.size;
      for (const [key, slot] of young) if (old.get(key) !== slot) count += 1;
      return count;
    },
  };
}
