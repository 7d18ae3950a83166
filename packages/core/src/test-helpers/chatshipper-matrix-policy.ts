import { chatshipperAliases, chatshipperScopes } from '../chatshipper-ladder.js';
import { chatshipperFields, chatshipperMatrix, type ChatShipperPolicy } from '../chatshipper.js';
import { definePolicy } from '../define-policy.js';

/**
 * Test helper: the ChatShipper matrix WITHOUT tenancy, defined the documented way from the same
 * data as `chatshipperPolicy` (which has tenancy on). Tests about the matrix semantics alone (the
 * cascade, the "(self)" rows, protected fields, CASL interop without organizations) use it, so
 * their principals and records need no organization paths.
 *
 * @example
 * ```ts
 * chatshipperMatrixPolicy.can({ id: 'u1', scopes: ['agent'] }, 'list', 'Conversation'); // true
 * ```
 */
export const chatshipperMatrixPolicy: ChatShipperPolicy = definePolicy({
  scopes: chatshipperScopes,
  aliases: chatshipperAliases,
  matrix: chatshipperMatrix,
  fields: chatshipperFields,
});
