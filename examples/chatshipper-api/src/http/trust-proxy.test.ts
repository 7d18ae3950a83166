import { describe, expect, it } from 'vitest';
import { createForwardedClientResolver } from './trust-proxy.js';

describe('createForwardedClientResolver (Koa with a TRUST_PROXY address list)', () => {
  const clientOf = createForwardedClientResolver(['10.0.0.0/8', '192.0.2.7', 'fd00::/8']);

  it.each([
    ['10.1.2.3', '203.0.113.9', '203.0.113.9'],
    ['10.1.2.3', '198.51.100.1, 203.0.113.9', '203.0.113.9'],
    ['10.1.2.3', '198.51.100.1, 203.0.113.9, 10.9.9.9', '203.0.113.9'],
    ['10.1.2.3', '198.51.100.1,192.0.2.7', '198.51.100.1'],
    ['::ffff:10.1.2.3', '203.0.113.9', '203.0.113.9'],
    ['fd00::1', '2001:db8::5', '2001:db8::5'],
    ['10.1.2.3', undefined, '10.1.2.3'],
    ['10.1.2.3', '', '10.1.2.3'],
    ['10.1.2.3', '10.0.0.1, 10.0.0.2', '10.0.0.1'],
    ['10.1.2.3', 'not-an-ip, 203.0.113.9', '203.0.113.9'],
    ['10.1.2.3', '203.0.113.9, not-an-ip', 'not-an-ip'],
    ['203.0.113.1', '198.51.100.1', '203.0.113.1'],
    ['192.0.2.8', '198.51.100.1', '192.0.2.8'],
    ['11.0.0.1', '198.51.100.1', '11.0.0.1'],
  ])('socket %s, X-Forwarded-For %j → %s', (remote, forwardedFor, client) => {
    expect(clientOf(remote, forwardedFor)).toBe(client);
  });
});
