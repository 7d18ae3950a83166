import { expectTypeOf, test } from 'vitest';
import { chatshipperPolicy, definePolicy, type Policy } from '@scopeladder/core';
import type { PolicyUnderTest } from './policy-under-test.js';

test('every core policy is a PolicyUnderTest', () => {
  expectTypeOf(chatshipperPolicy).toExtend<PolicyUnderTest>();
  expectTypeOf<Policy>().toExtend<PolicyUnderTest>();
  const notes = definePolicy({ scopes: ['reader', 'owner'], matrix: { Note: { read: 'reader', write: { any: 'owner', self: 'reader' } } } } as const);
  expectTypeOf(notes).toExtend<PolicyUnderTest>();
});

test('a hand-written decision point only needs ladder, resources, actions and can', () => {
  expectTypeOf({
    ladder: { scopes: ['a'] },
    resources: ['Note'],
    actions: ['read'],
    can: () => false,
  }).toExtend<PolicyUnderTest>();
  expectTypeOf({ ladder: { scopes: ['a'] }, resources: ['Note'], actions: ['read'] }).not.toExtend<PolicyUnderTest>();
});
