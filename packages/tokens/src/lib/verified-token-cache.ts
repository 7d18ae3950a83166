/**
 * A bounded cache of verified access tokens, keyed by the exact token string. Only tokens that
 * passed full verification enter it, so it cannot be filled with garbage; each entry expires
 * with its token. Least-recently-used entries are evicted first. Revocation is NOT cached: the
 * service asks the store on every request.
 */
export interface VerifiedTokenCache {
  get(token: string, nowMs: number): CachedToken | undefined;
  set(token: string, entry: CachedToken): void;
  delete(token: string): void;
  readonly size: number;
}

/** What is kept per token: anything, plus when it stops being valid (epoch ms). */
export interface CachedToken {
  readonly expiresAtMs: number;
  readonly value: unknown;
}

/** Creates a {@link VerifiedTokenCache} holding at most `maxEntries` tokens. */
export function createVerifiedTokenCache(maxEntries: number): VerifiedTokenCache {
  const entries = new Map<string, CachedToken>();
  return {
    get(token, nowMs) {
      const entry = entries.get(token);
      if (entry === undefined) return undefined;
      entries.delete(token);
      if (entry.expiresAtMs <= nowMs) return undefined;
      entries.set(token, entry); // most recently used last
      return entry;
    },
    set(token, entry) {
      entries.delete(token);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done === true) break;
        entries.delete(oldest.value);
      }
      entries.set(token, entry);
    },
    delete(token) {
      entries.delete(token);
    },
    get size() {
      return entries.size;
    },
  };
}
