/**
 * Where an arbitrary takes its scopes from: a policy (`policy.ladder.scopes`), a ladder
 * (`ladder.scopes`), or the ordered scope names themselves, lowest first.
 *
 * @example
 * ```ts
 * arbitraries.scope(chatshipperPolicy);
 * arbitraries.scope(chatshipperLadder);
 * arbitraries.scope(['reader', 'writer']);
 * ```
 */
export type ScopeSource = readonly string[] | { readonly scopes: readonly string[] } | { readonly ladder: { readonly scopes: readonly string[] } };

/** The scope names of a {@link ScopeSource}; a `TypeError` on misuse (internal). */
export function scopesOf(where: string, source: ScopeSource): readonly string[] {
  const scopes: unknown = Array.isArray(source)
    ? source
    : typeof source === 'object' && source !== null && 'ladder' in source
      ? (source.ladder as { scopes?: unknown } | undefined)?.scopes
      : typeof source === 'object' && source !== null && 'scopes' in source
        ? source.scopes
        : undefined;
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every((scope) => typeof scope === 'string')) {
    throw new TypeError(`${where}: expected a policy, a ladder or a non-empty array of scope names`);
  }
  return scopes as readonly string[];
}

/** The RFC 6749 §3.3 `scope-token` grammar: `1*( %x21 / %x23-5B / %x5D-7E )` (internal). */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** A whole RFC 6749 §3.3 `scope` value: tokens separated by single spaces (internal). */
export const SCOPE_VALUE = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** Names with a meaning on `Object.prototype`, CASL wildcards and other classic traps (internal). */
export const TRAP_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'then',
  'manage',
  'all',
  '*',
] as const;

/** Like `fc.constantFrom`, but keeps only values not in `exclude`; `null` when none remain (internal). */
export function withoutKnown(values: readonly string[], exclude: readonly string[]): string[] {
  const known = new Set(exclude);
  return [...new Set(values)].filter((value) => !known.has(value));
}
