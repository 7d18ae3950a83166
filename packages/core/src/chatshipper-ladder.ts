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
 * ChatShipper's scope aliases: its docs call the lowest role `viewer`, another name of `guest`.
 *
 * @example
 * ```ts
 * import { chatshipperAliases } from '@scopeladder/core';
 * chatshipperAliases.viewer; // 'guest'
 * ```
 */
export const chatshipperAliases: Readonly<{ viewer: 'guest' }> = Object.freeze({ viewer: 'guest' } as const);

/**
 * The ChatShipper ladder: `guest` < `agent` < `bot` < `admin`, with `viewer` an alias of
 * `guest`. Also the default ladder of {@link parseScope}.
 *
 * @example
 * ```ts
 * import { chatshipperLadder } from '@scopeladder/core';
 * chatshipperLadder.expand('bot');     // ['guest', 'agent', 'bot']
 * chatshipperLadder.canonical('viewer'); // 'guest'
 * ```
 */
export const chatshipperLadder: Ladder<ChatShipperScope> = /* @__PURE__ */ defineLadder(chatshipperScopes, { aliases: chatshipperAliases });
