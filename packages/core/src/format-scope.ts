import { chatshipperLadder } from './chatshipper-ladder.js';
import type { Ladder } from './define-ladder.js';
import { isScopeToken } from './lib/scope-grammar.js';

/**
 * Options of {@link formatScope}.
 *
 * @example
 * ```ts
 * const options: FormatScopeOptions = { expand: true, aliases: true }; // 'viewer guest agent bot admin' for ['admin']
 * ```
 */
export interface FormatScopeOptions {
  /**
   * Writes the whole cascade: every scope of the ladder up to the highest one given, lowest
   * first (tokens the ladder does not know are left out). Default `false`: the tokens as given.
   */
  readonly expand?: boolean | undefined;
  /** Writes each scope's aliases just before it (`viewer guest`). Default `false`. */
  readonly aliases?: boolean | undefined;
  /** The ladder `expand` and `aliases` read. Default: the ChatShipper ladder. */
  readonly ladder?: Ladder<string> | undefined;
}

/**
 * Formats scopes as an RFC 6749 §3.3 scope string: distinct tokens in the given order, joined by
 * single spaces. The inverse of {@link parseScope} for canonical strings. Every element must be a
 * scope-token and there must be at least one, otherwise a `TypeError` (a caller mistake).
 *
 * With `expand`, the string is the whole cascade up to the highest scope given; with `aliases`,
 * each scope is preceded by its aliases — ChatShipper's SDK and tokens use both:
 * `formatScope(['admin'], { expand: true, aliases: true })` is `'viewer guest agent bot admin'`.
 * Neither adds power: a reader of the string (`parseScope`) finds the same highest scope.
 *
 * @example
 * ```ts
 * import { formatScope } from '@scopeladder/core';
 *
 * formatScope(['agent', 'bot']); // 'agent bot'
 * formatScope(['bot', 'bot']);   // 'bot'
 * formatScope(['admin'], { expand: true, aliases: true }); // 'viewer guest agent bot admin'
 * formatScope(['agent'], { expand: true });                // 'guest agent'
 * ```
 */
export function formatScope(scopes: readonly string[], options: FormatScopeOptions = {}): string {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new TypeError('formatScope: expected a non-empty array of scope-tokens');
  }
  if (typeof options !== 'object' || options === null) throw new TypeError('formatScope: `options` must be an object');
  const seen = new Set<string>();
  scopes.forEach((scope: unknown, index) => {
    if (!isScopeToken(scope)) throw new TypeError(`formatScope: scopes[${index}] is not an RFC 6749 scope-token`);
    seen.add(scope);
  });
  if (!options.expand && !options.aliases) return [...seen].join(' ');

  const ladder = options.ladder ?? chatshipperLadder;
  if (typeof ladder !== 'object' || ladder === null || typeof ladder.expandAll !== 'function' || typeof ladder.aliasesOf !== 'function') {
    throw new TypeError('formatScope: `ladder` must be a Ladder from defineLadder()');
  }
  const listed = options.expand ? ladder.expandAll([...seen]) : [...seen];
  if (listed.length === 0) throw new TypeError('formatScope: with `expand`, at least one scope must be a scope of the ladder');
  const out = new Set<string>();
  for (const scope of listed) {
    if (options.aliases) for (const alias of ladder.aliasesOf(scope)) out.add(alias);
    out.add(scope);
  }
  return [...out].join(' ');
}
