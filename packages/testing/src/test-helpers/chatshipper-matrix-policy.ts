// The ChatShipper matrix WITHOUT tenancy, for the package's own tests: `chatshipperPolicy` has
// tenancy on; tests about the matrix alone (and the deliberately broken policies, which wrap it
// as a plain object) use this one, defined the documented way from the same data.
// Not exported from the package.
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy, type ChatShipperPolicy } from '@scopeladder/core';

/** `chatshipperPolicy` without tenancy: the matrix, the ladder with its aliases, the protected fields. */
export const chatshipperMatrixPolicy: ChatShipperPolicy = definePolicy({
  scopes: chatshipperScopes,
  aliases: chatshipperAliases,
  matrix: chatshipperMatrix,
  fields: chatshipperFields,
});
