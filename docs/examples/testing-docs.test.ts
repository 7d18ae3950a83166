import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy } from '@scopeladder/core';
import { PolicyAssertionError } from '@scopeladder/testing';
import { checkPolicy } from './testing-without-a-runner.js';
import { ROOT, TESTING_DOC, TESTING_EXAMPLES, includedBlock } from './testing-sync-doc.js';

describe(`${TESTING_DOC} includes its examples verbatim`, () => {
  it.each(TESTING_EXAMPLES)('%s (fix: pnpm tsx docs/examples/testing-sync-doc.ts)', (example) => {
    expect(includedBlock(example)).toBe(readFileSync(ROOT + example, 'utf8'));
  });
});

describe('the runner-less example', () => {
  it('passes on the notes policy', () => {
    expect(() => checkPolicy()).not.toThrow();
  });

  it('throws on a policy that does not match the committed table', () => {
    expect(() => checkPolicy(chatshipperPolicy)).toThrow(PolicyAssertionError);
  });
});
