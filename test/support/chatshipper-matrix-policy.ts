// The ChatShipper matrix WITHOUT tenancy, defined the documented way from the same data as
// `chatshipperPolicy` (which has tenancy on): the conformance suites that test the matrix itself,
// with principals acting in no organization, run their service with it.
import { chatshipperAliases, chatshipperFields, chatshipperMatrix, chatshipperScopes, definePolicy, type ChatShipperPolicy } from '@scopeladder/core';

/** `chatshipperPolicy` without tenancy: the matrix, the ladder with its aliases, the protected fields. */
export const chatshipperMatrixPolicy: ChatShipperPolicy = definePolicy({
  scopes: chatshipperScopes,
  aliases: chatshipperAliases,
  matrix: chatshipperMatrix,
  fields: chatshipperFields,
});
