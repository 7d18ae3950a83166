// The same checks with no test runner: a failed assertion throws, so the process exits non-zero.
// Run: pnpm tsx docs/examples/testing-without-a-runner.ts
import { pathToFileURL } from 'node:url';
import { assertDecisionTableFile, assertPolicyInvariants, type PolicyUnderTest } from '@scopeladder/testing';
import { notesPolicy } from './testing-notes-policy.js';

export function checkPolicy(policy: PolicyUnderTest = notesPolicy): void {
  assertPolicyInvariants(policy, { numRuns: 200, fields: ['plan', 'role', 'scopes'] });
  assertDecisionTableFile(policy, new URL('./testing-notes-policy.decisions.md', import.meta.url), { fields: ['plan'] });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  checkPolicy();
  console.log('notes policy: all invariants hold and the decision table matches');
}
