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

function capture(level?: 'debug' | 'info' | 'warn' | 'error' | 'silent') {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger({ out: (line) => out.push(line), err: (line) => err.push(line), now: () => new Date(0), ...(level ? { level } : {}) });
  return { log, out, err, parsed: () => out.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON request line with method, path, status, duration, caller id and request id only', () => {
    const { log, out } = capture();
    log.request({
      method: 'GET',
      url: '/v2/auth/token?refreshToken=5f0c8a1e9b3d2c4a6e8f0a1b.deadbeef',
      status: 200,
      durationMs: 3.44,
      principalId: '5f0c8a1e9b3d2c4a6e8f0a1b',
      requestId: '0b5e6f43-4c1e-4c57-9d8e-2a1f0e3c9b7a',
    });
    expect(out).toEqual([
      '{"level":"info","time":"1970-01-01T00:00:00.000Z","reqId":"0b5e6f43-4c1e-4c57-9d8e-2a1f0e3c9b7a","method":"GET","path":"/v2/auth/token","status":200,"durationMs":3.4,"principalId":"5f0c8a1e9b3d2c4a6e8f0a1b","msg":"request"}',
    ]);
    expect(out[0]).not.toContain('deadbeef');
  });

  it('omits the user and the request id when there were none', () => {
    const { log, parsed } = capture();
    log.request({ method: 'POST', url: '/v2/auth/token', status: 401, durationMs: 1 });
    expect(parsed()[0]).toEqual({
      level: 'info',
      time: '1970-01-01T00:00:00.000Z',
      method: 'POST',
      path: '/v2/auth/token',
      status: 401,
      durationMs: 1,
      msg: 'request',
    });
  });

  it('keeps a hostile method and path to one line of printable characters', () => {
    const { log, out } = capture();
    log.request({ method: 'GET\n{"level":"fatal"}', url: '/a\r\n{"msg":"forged"}', status: 404, durationMs: 0 });
    expect(out).toHaveLength(1);
    const line = JSON.parse(out[0] ?? '') as Record<string, unknown>;
    expect(line['method']).toBe('GET?{"level":"fa');
    expect(line['path']).toBe('/a??{"msg":"forged"}');
  });

  it('writes errors to stderr and the rest to stdout, each line once', () => {
    const { log, out, err } = capture();
    log.info('started', { url: 'http://127.0.0.1:3000' });
    log.warn('careful');
    log.error('broken', { problems: ['A', 'B'] });
    expect(out.map((line) => JSON.parse(line) as unknown)).toEqual([
      { level: 'info', time: '1970-01-01T00:00:00.000Z', url: 'http://127.0.0.1:3000', msg: 'started' },
      { level: 'warn', time: '1970-01-01T00:00:00.000Z', msg: 'careful' },
    ]);
    expect(err.map((line) => JSON.parse(line) as unknown)).toEqual([
      { level: 'error', time: '1970-01-01T00:00:00.000Z', problems: ['A', 'B'], msg: 'broken' },
    ]);
  });

  it('writes nothing below its level; debug lines at LOG_LEVEL=debug', () => {
    const quiet = capture('warn');
    quiet.log.info('hidden');
    quiet.log.event('debug', 'hidden too');
    quiet.log.request({ method: 'GET', url: '/', status: 200, durationMs: 1 });
    expect(quiet.out).toEqual([]);
    const verbose = capture('debug');
    verbose.log.event('debug', 'shown');
    expect(verbose.parsed()).toEqual([{ level: 'debug', time: '1970-01-01T00:00:00.000Z', msg: 'shown' }]);
    const silent = capture('silent');
    silent.log.error('nothing');
    expect([...silent.out, ...silent.err]).toEqual([]);
  });

  it('prints the banner as plain text', () => {
    const { log, out } = capture();
    log.print('chatshipper-api listening on http://127.0.0.1:3000\n  health: …');
    expect(out).toEqual(['chatshipper-api listening on http://127.0.0.1:3000\n  health: …']);
  });
});
