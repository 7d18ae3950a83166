import { describe, expect, it } from 'vitest';
import { createLogger, pathForLog } from './log.js';

describe('pathForLog', () => {
  it('drops the query string and the fragment', () => {
    expect(pathForLog('/v2/auth/token?refreshToken=abc.def')).toBe('/v2/auth/token');
    expect(pathForLog('/v2/users#x')).toBe('/v2/users');
  });

  it('replaces control characters and truncates long paths', () => {
    expect(pathForLog('/a\nb\u001b[31m')).toBe('/a?b?[31m');
    expect(pathForLog(`/${'x'.repeat(500)}`)).toHaveLength(201);
  });
});

describe('createLogger', () => {
  it('writes one request line with method, path, status, duration and caller id only', () => {
    const lines: string[] = [];
    const log = createLogger({ out: (line) => lines.push(line), now: () => new Date(0) });
    log.request({
      method: 'GET',
      url: '/v2/auth/token?refreshToken=5f0c8a1e9b3d2c4a6e8f0a1b.deadbeef',
      status: 200,
      durationMs: 3.4,
      principalId: '5f0c8a1e9b3d2c4a6e8f0a1b',
    });
    expect(lines).toEqual(['1970-01-01T00:00:00.000Z GET /v2/auth/token 200 3ms user=5f0c8a1e9b3d2c4a6e8f0a1b']);
  });

  it('omits the user when the request was not authenticated', () => {
    const lines: string[] = [];
    createLogger({ out: (line) => lines.push(line), now: () => new Date(0) }).request({
      method: 'POST',
      url: '/v2/auth/token',
      status: 401,
      durationMs: 1,
    });
    expect(lines[0]).toBe('1970-01-01T00:00:00.000Z POST /v2/auth/token 401 1ms');
  });
});
