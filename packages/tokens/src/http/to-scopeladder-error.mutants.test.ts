// Tests for mutants of http/to-scopeladder-error.ts that survived the tokens tests (issue "Test
// strength"; the adapters' own suites, in their packages, are not run by the tokens Stryker config).
// Each fails with its mutant applied. See docs/testing.md, "tokens".
import { isScopeladderError } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import { toScopeladderError } from './to-scopeladder-error.js';

/** `[code, message]` of the translation, or `'unchanged'` when the error is handed back as it is. */
function translated(error: object): readonly [string, string] | 'unchanged' {
  const result = toScopeladderError(error);
  if (result === error) return 'unchanged';
  expect(isScopeladderError(result)).toBe(true);
  expect((result as Error).cause).toBe(error);
  return [(result as { code: string }).code, (result as Error).message];
}

describe('toScopeladderError, each marker on its own', () => {
  it('a Fastify code without a body-parser type (the type check must not end the search)', () => {
    expect(translated(Object.assign(new Error('x'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }))).toEqual([
      'ERR_PAYLOAD_TOO_LARGE',
      'Request body too large',
    ]);
  });

  it("Express's URIError, co-body's raw body and inflation's encoding, without a type or a code", () => {
    expect(translated(Object.assign(new URIError('URI malformed'), { status: 400 }))).toEqual([
      'ERR_INVALID_REQUEST',
      'Malformed percent-encoding in the path',
    ]);
    expect(translated(Object.assign(new Error('x'), { status: 400, body: '{bad' }))).toEqual(['ERR_INVALID_REQUEST', 'Malformed request body']);
    expect(translated(Object.assign(new Error('Unsupported Content-Encoding: br'), { status: 415 }))).toEqual([
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      'Unsupported Content-Encoding',
    ]);
  });

  it('markers count only as strings, and a string body only on a 400', () => {
    // An array converts to the same property key: only a string is a marker.
    expect(translated(Object.assign(new Error('x'), { status: 413, type: ['entity.too.large'] }))).toBe('unchanged');
    expect(translated(Object.assign(new Error('x'), { statusCode: 413, code: ['FST_ERR_CTP_BODY_TOO_LARGE'] }))).toBe('unchanged');
    // An application's 409 carrying its own string body is its own error.
    expect(translated(Object.assign(new Error('Conflict'), { status: 409, body: 'already exists' }))).toBe('unchanged');
  });

  it('an error with a 4xx status and no known marker is handed back unchanged', () => {
    expect(translated(Object.assign(new Error('Conflict'), { status: 409 }))).toBe('unchanged');
    expect(translated(Object.assign(new Error('Unsupported Content-Encoding: br'), { status: 409 }))).toBe('unchanged');
    expect(translated(Object.assign(new Error('Unsupported media'), { status: 415 }))).toBe('unchanged');
    expect(translated({ status: 415 })).toBe('unchanged');
    expect(translated({ status: 400, body: { a: 1 } })).toBe('unchanged');
    expect(translated(Object.assign(new URIError('x'), { status: 409 }))).toBe('unchanged');
  });
});
