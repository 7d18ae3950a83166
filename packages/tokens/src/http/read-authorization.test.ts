import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readAuthorization } from './read-authorization.js';

describe('readAuthorization', () => {
  it('absent → undefined; once → the value, exactly as sent', () => {
    expect(readAuthorization({ rawHeaders: ['Host', 'x', 'Accept', '*/*'] })).toBeUndefined();
    expect(readAuthorization({ rawHeaders: ['Host', 'x', 'Authorization', 'Bearer  a b '] })).toBe('Bearer  a b ');
    expect(readAuthorization({ rawHeaders: ['authorization', ''] })).toBe('');
    // Other names of the same length are not it.
    expect(readAuthorization({ rawHeaders: ['Cache-Control', 'no-cache', 'Authorisation', 'Bearer x', 'authorizatio', 'y'] })).toBeUndefined();
  });

  it('duplicates → every value, in order, whatever the name case', () => {
    const rawHeaders = ['Authorization', 'Bearer first', 'Host', 'x', 'AUTHORIZATION', 'Bearer second', 'authorization', ''];
    expect(readAuthorization({ rawHeaders })).toEqual(['Bearer first', 'Bearer second', '']);
  });

  it("sees what Node's parsed headers hide (only the first of duplicates)", () => {
    const headers = { authorization: 'Bearer first' };
    expect(readAuthorization({ rawHeaders: ['Authorization', 'Bearer first', 'Authorization', 'Bearer second'], headers })).toEqual([
      'Bearer first',
      'Bearer second',
    ]);
  });

  it('falls back to the parsed headers without raw ones', () => {
    expect(readAuthorization({ headers: { authorization: 'Bearer t' } })).toBe('Bearer t');
    expect(readAuthorization({ rawHeaders: [], headers: { authorization: 'Bearer t' } })).toBe('Bearer t');
    expect(readAuthorization({ headers: {} })).toBeUndefined();
    expect(readAuthorization({})).toBeUndefined();
  });

  it('ignores a dangling name without a value', () => {
    expect(readAuthorization({ rawHeaders: ['Host', 'x', 'Authorization'] })).toBeUndefined();
  });

  it('reads two headers sent over a real socket', async () => {
    const seen: unknown[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      seen.push(readAuthorization(req));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port });
        req.setHeader('Authorization', ['Bearer a', 'Bearer b']); // two header lines on the wire
        req
          .on('response', (res) => res.resume().on('end', resolve))
          .on('error', reject)
          .end();
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(seen).toEqual([['Bearer a', 'Bearer b']]);
  });
});
