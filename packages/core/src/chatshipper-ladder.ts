import { defineLadder, type Ladder } from './define-ladder.js';

/**
 * The four ChatShipper scopes, lowest first. Each includes every lower one.
 *
 * @example
 * ```ts
 * import { chatshipperScopes } from '@scopeladder/core';
 * chatshipperScopes; // ['guest', 'agent', 'bot', 'admin']
 * ```
 */
export const chatshipperScopes: readonly ['guest', 'agent', 'bot', 'admin'] = Object.freeze(['guest', 'agent', 'bot', 'admin'] as const);

/**
 * A ChatShipper scope: `'guest' | 'agent' | 'bot' | 'admin'`.
 *
 * @example
 * ```ts
 * const scope: ChatShipperScope = 'bot';
 * ```
 */
export type ChatShipperScope = (typeof chatshipperScopes)[number];

/**
 * The ChatShipper ladder: `guest` < `agent` < `bot` < `admin`. Also the default ladder of
 * {@link parseScope}.
 *
 * @example
 * ```ts
 * import { chatshipperLadder } from '@scopeladder/core';
 * chatshipperLadder.expand('bot'); // ['guest', 'agent', 'bot']
 * ```
 */
export const chatshipperLadder: Ladder<ChatShipperScope> = /* @__PURE__ */ defineLadder(chatshipperScopes);
