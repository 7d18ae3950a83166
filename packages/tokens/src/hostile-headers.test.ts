import fc from 'fast-check';
import { httpErrorFor, isScopeladderError } from '@scopeladder/core';
import { arbitraries } from '@scopeladder/testing';
import { describe, expect, it } from 'vitest';
import { setup } from './test-fixtures.js';

// @scopeladder/testing's Authorization arbitraries against the real service: each hostile value
// is rejected with one of the codes the arbitrary says are correct, never authenticated, and
// always answered with a 4xx.

/** Resolves the rejection reason, or fails the property when the promise resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('authenticated, but a rejection was expected');
}

describe('hostile Authorization headers (@scopeladder/testing)', () => {
  it('every hostileAuthorizationHeader() value is rejected with one of its expectedCodes', async () => {
    const { auth } = await setup();
    await fc.assert(
      fc.asyncProperty(arbitraries.hostileAuthorizationHeader(), async ({ value, expectedCodes }) => {
        const error = await rejection(auth.authenticate(value as string));
        expect(isScopeladderError(error)).toBe(true);
        expect(expectedCodes).toContain((error as { code: string }).code);
        const { status } = httpErrorFor(error);
        expect(status >= 400 && status < 500).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('every well-formed header around a token it did not issue is rejected as an invalid token or key', async () => {
    const { auth } = await setup();
    await fc.assert(
      fc.asyncProperty(arbitraries.authorizationHeader(), async (header) => {
        const error = await rejection(auth.authenticate(header));
        expect(isScopeladderError(error)).toBe(true);
        expect(['ERR_TOKEN_INVALID', 'ERR_API_KEY_INVALID']).toContain((error as { code: string }).code);
      }),
      { numRuns: 500 },
    );
  });
});
