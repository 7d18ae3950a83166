import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isScopeladderError, ScopeladderError } from './index.js';

describe('ScopeladderError', () => {
  it('carries a stable code, the denial and retryAfter', () => {
    const denial = { action: 'list', subject: 'User', requiredScope: 'bot', reason: 'insufficient_scope' };
    const error = new ScopeladderError('ERR_INSUFFICIENT_SCOPE', 'denied', { denial, retryAfter: 3 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ScopeladderError');
    expect(error.code).toBe('ERR_INSUFFICIENT_SCOPE');
    expect(error.denial).toBe(denial);
    expect(error.toJSON()).toEqual({ code: 'ERR_INSUFFICIENT_SCOPE', message: 'denied', denial, retryAfter: 3 });
  });

  it('keeps the cause for debugging but not in JSON', () => {
    const cause = new Error('low-level');
    const error = new ScopeladderError('ERR_INTERNAL', 'oops', { cause });
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error)).toBe('{"code":"ERR_INTERNAL","message":"oops"}');
  });

  it('is recognised by brand, also from another copy of the package', () => {
    expect(isScopeladderError(new ScopeladderError('ERR_NOT_FOUND', 'x'))).toBe(true);
    const foreign = Object.assign(new Error('x'), { name: 'ScopeladderError', code: 'ERR_NOT_FOUND' });
    expect(isScopeladderError(foreign)).toBe(true);
    for (const value of [new Error('x'), { name: 'ScopeladderError', code: 'ERR_MADE_UP' }, null, 'ERR_NOT_FOUND', undefined]) {
      expect(isScopeladderError(value)).toBe(false);
    }
  });

  it('has unique codes', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });
});
