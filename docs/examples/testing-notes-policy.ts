// The policy under test in docs/testing-your-policy.md: a notes app with three cascading scopes.
import { definePolicy } from '@scopeladder/core';

export const notesScopes = ['reader', 'writer', 'owner'] as const;

export const notesMatrix = {
  Note: { read: 'reader', create: 'writer', update: 'writer', delete: 'owner' },
  // Everyone reads and edits their own account; only owners touch other accounts.
  Account: { read: { any: 'owner', self: 'reader' }, create: 'owner', update: { any: 'owner', self: 'reader' }, delete: 'owner' },
} as const;

export const notesPolicy = definePolicy({
  scopes: notesScopes,
  matrix: notesMatrix,
  // What a reader may not change on their own account.
  fields: { Account: { update: { protected: ['plan', 'role', 'scopes'] } } },
});
