/**
 * Who a request acts for. At least an `id` and the scopes granted to it (raw, as granted: the
 * policy expands them along its ladder). More fields are allowed and kept, e.g. `organization`.
 *
 * @example
 * ```ts
 * const alice: Principal = { id: '5f0c8a1e9b3d2c4a6e8f0a1b', scopes: ['agent'], kind: 'user' };
 * ```
 */
export interface Principal {
  /** The user's id: the `sub` of its tokens, and what the "(self)" rows compare with. */
  readonly id: string;
  /** The scopes granted, e.g. `['agent']` or `['guest', 'bot']`. Unknown scopes grant nothing. */
  readonly scopes: readonly string[];
  /** Whether a person (JWT login) or a bot (API key) acts. */
  readonly kind?: 'user' | 'bot' | undefined;
  /** The organization the principal acts in, when known. */
  readonly organization?: string | undefined;
  /**
   * With a policy that has tenancy: the materialized path of the organization it acts in (the ids
   * from the root down to it, joined by the policy's separator, e.g. `"r1#c1"`). It reaches
   * records of that organization and of its descendants only; without it, nothing.
   */
  readonly organizationPath?: string | undefined;
  readonly [extra: string]: unknown;
}
