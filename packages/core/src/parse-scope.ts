import { chatshipperLadder, type ChatShipperScope } from './chatshipper-ladder.js';
import type { Ladder } from './define-ladder.js';
import { ScopeladderError } from './errors.js';
import { SCOPE_TOKEN, SCOPE_TOKEN_ILLEGAL } from './lib/scope-grammar.js';

/**
 * The default {@link ParseScopeOptions.maxLength}: 1024 characters.
 *
 * @example
 * ```ts
 * parseScope(claim, { maxLength: DEFAULT_MAX_SCOPE_LENGTH * 2 });
 * ```
 */
export const DEFAULT_MAX_SCOPE_LENGTH = 1024;

/**
 * Options of {@link parseScope}.
 *
 * @example
 * ```ts
 * const options: ParseScopeOptions<'read' | 'write'> = { ladder: defineLadder(['read', 'write']), maxLength: 256 };
 * ```
 */
export interface ParseScopeOptions<S extends string = ChatShipperScope> {
  /**
   * The ladder that decides which tokens are known scopes. Default: the ChatShipper ladder
   * (`guest`, `agent`, `bot`, `admin`).
   */
  readonly ladder?: Ladder<S> | undefined;
  /**
   * The longest accepted claim, in characters. For an array, the length of its space-joined
   * form. Default {@link DEFAULT_MAX_SCOPE_LENGTH} (1024). Longer input is malformed.
   */
  readonly maxLength?: number | undefined;
}

/**
 * What {@link parseScope} found in a claim.
 *
 * @example
 * ```ts
 * const { scopes, unknown, highest }: ParseScopeResult = parseScope('agent x:read');
 * // scopes ['agent'], unknown ['x:read'], highest 'agent'
 * ```
 */
export interface ParseScopeResult<S extends string = ChatShipperScope> {
  /** Every distinct token, in first-seen order (duplicates collapse). */
  readonly tokens: readonly string[];
  /**
   * The scopes the tokens name, distinct, in first-seen order: an alias is given as its scope
   * (`viewer` → `guest`). Only these grant anything.
   */
  readonly scopes: readonly S[];
  /** The tokens the ladder does not know (neither a scope nor an alias), distinct, in first-seen order. They grant nothing. */
  readonly unknown: readonly string[];
  /** The highest known scope, or `null` when no token is a known scope. */
  readonly highest: S | null;
}

function malformed(message: string): ScopeladderError {
  return new ScopeladderError('ERR_SCOPE_MALFORMED', `Malformed scope: ${message}`);
}

/**
 * Parses a scope claim: an RFC 6749 §3.3 scope string (`"agent bot"`: scope-tokens of
 * `%x21 / %x23-5B / %x5D-7E`, separated by single spaces, case-sensitive) or an array of
 * scope-tokens (how API keys are created).
 *
 * Duplicates collapse. An alias of the ladder (ChatShipper's `viewer`) is read as its scope
 * (`guest`), granting exactly that. Tokens the ladder does not know are reported in `unknown` and grant
 * nothing. Throws {@link ScopeladderError} `ERR_SCOPE_MALFORMED` on anything else: a value that is
 * neither a string nor an array of strings, an empty claim or token, a leading, trailing or
 * double space, a character outside the grammar, or a claim longer than `maxLength`. The error
 * message never repeats the claim.
 *
 * For a canonical claim `s` (no duplicates), `formatScope(parseScope(s).tokens) === s`.
 *
 * @example
 * ```ts
 * import { parseScope } from '@scopeladder/core';
 *
 * parseScope('agent bot agent x:read');
 * // { tokens: ['agent', 'bot', 'x:read'], scopes: ['agent', 'bot'], unknown: ['x:read'], highest: 'bot' }
 * parseScope(['bot']).highest; // 'bot'
 * parseScope('viewer').scopes;  // ['guest']: an alias, read as its scope
 * parseScope('agent  bot');    // throws ERR_SCOPE_MALFORMED (double space)
 * ```
 */
export function parseScope<S extends string = ChatShipperScope>(claim: unknown, options: ParseScopeOptions<S> = {}): ParseScopeResult<S> {
  const ladder = (options.ladder ?? chatshipperLadder) as Ladder<S>;
  const maxLength = options.maxLength ?? DEFAULT_MAX_SCOPE_LENGTH;
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new TypeError('parseScope: `maxLength` must be a positive integer');
  }
  if (typeof ladder !== 'object' || ladder === null || typeof ladder.has !== 'function') {
    throw new TypeError('parseScope: `ladder` must be a Ladder from defineLadder()');
  }
  const raw = readTokens(claim, maxLength);

  const seen = new Set<string>();
  const tokens: string[] = [];
  const scopes: S[] = [];
  const named = new Set<string>();
  const unknown: string[] = [];
  let best = -1;
  // A ladder from before aliases (no `canonical`): only its scopes are known.
  const canonical = typeof ladder.canonical === 'function' ? ladder.canonical : (token: string) => (ladder.has(token) ? token : null);
  for (const token of raw) {
    if (seen.has(token)) continue;
    seen.add(token);
    tokens.push(token);
    const scope = canonical(token);
    if (scope === null) {
      unknown.push(token);
      continue;
    }
    if (!named.has(scope)) {
      named.add(scope);
      scopes.push(scope);
    }
    const rank = ladder.rank(scope);
    if (rank > best) best = rank;
  }
  return Object.freeze({
    tokens: Object.freeze(tokens),
    scopes: Object.freeze(scopes),
    unknown: Object.freeze(unknown),
    highest: best === -1 ? null : (ladder.scopes[best] as S),
  });
}

function readTokens(claim: unknown, maxLength: number): readonly string[] {
  if (typeof claim === 'string') {
    if (claim.length === 0) throw malformed('the claim is empty');
    if (claim.length > maxLength) throw malformed(`longer than ${maxLength} characters`);
    const parts = claim.split(' ');
    parts.forEach((token, index) => checkToken(token, index));
    return parts;
  }
  if (Array.isArray(claim)) {
    if (claim.length === 0) throw malformed('the scope array is empty');
    // Every token takes at least one character plus a separator: bound the work up front.
    if (claim.length > maxLength) throw malformed(`longer than ${maxLength} characters`);
    let length = -1;
    for (let index = 0; index < claim.length; index++) {
      const token: unknown = claim[index];
      if (typeof token !== 'string') throw malformed(`element ${index} is not a string`);
      length += token.length + 1;
      if (length > maxLength) throw malformed(`longer than ${maxLength} characters`);
      checkToken(token, index);
    }
    return claim as string[];
  }
  throw malformed('expected a space-delimited string or an array of strings');
}

function checkToken(token: string, index: number): void {
  if (token.length === 0) throw malformed(`token ${index} is empty (leading, trailing or double space)`);
  if (!SCOPE_TOKEN.test(token)) {
    const at = token.search(SCOPE_TOKEN_ILLEGAL);
    throw malformed(`token ${index} has a character outside the RFC 6749 grammar at offset ${at}`);
  }
}
