import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { baseUrlFor, formatBanner } from './banner.js';
import { parseConfig } from './config.js';

describe('baseUrlFor', () => {
  it('reaches wildcard binds through loopback and brackets IPv6', () => {
    expect(baseUrlFor({ host: '0.0.0.0', port: 1 })).toBe('http://127.0.0.1:1');
    expect(baseUrlFor({ host: '::', port: 2 })).toBe('http://[::1]:2');
    expect(baseUrlFor({ host: 'localhost', port: 3 })).toBe('http://localhost:3');
  });
});

describe('formatBanner', () => {
  const address = { host: '127.0.0.1', port: 4321 };

  it('prints the address, the framework, generated credentials and a login curl', () => {
    const config = parseConfig({ FRAMEWORK: 'koa' });
    const banner = formatBanner({ config, address, storage: 'memory' });
    expect(banner).toContain('listening on http://127.0.0.1:4321 (framework: koa');
    expect(banner).toContain(config.admin.password);
    expect(banner).toContain(`curl -s -X POST http://127.0.0.1:4321/v2/auth/token`);
    expect(banner).not.toContain(config.jwtSecret);
  });

  it('names the JWKS and the signing setup, warns of a generated key pair, and never prints a key', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const given = formatBanner({
      config: parseConfig({ JWT_ALGORITHM: 'EdDSA', JWT_PRIVATE_KEY: pem, JWT_ISSUER: 'acme' }),
      address,
      storage: 'memory',
    });
    expect(given).toContain('jwks:        http://127.0.0.1:4321/.well-known/jwks.json (access tokens: EdDSA, iss acme, aud chatshipper-api)');
    expect(given).not.toContain('JWT_PRIVATE_KEY is not set');
    expect(given).not.toContain('PRIVATE KEY-----');
    const generated = formatBanner({ config: parseConfig({ JWT_ALGORITHM: 'ES256', CLIENT_COMPAT: 'chatshipper-sdk' }), address, storage: 'memory' });
    expect(generated).toContain('JWT_PRIVATE_KEY is not set: a random ES256 key pair was generated, so tokens end with this process.');
    expect(generated).not.toContain('JWT_SECRET is not set');
    expect(generated).toContain('client compatibility: chatshipper-sdk');
  });

  it('says when it is bound to every interface', () => {
    const config = parseConfig({});
    const banner = formatBanner({ config, address: { host: '0.0.0.0', port: 80 }, storage: 'memory' });
    expect(banner).toContain('listening on http://127.0.0.1:80');
    expect(banner).toContain('bound to:    http://0.0.0.0:80 (every interface)');
    expect(formatBanner({ config, address, storage: 'memory' })).not.toContain('bound to');
  });

  it('never prints a password or a secret that came from the environment', () => {
    const config = parseConfig({ ADMIN_PASSWORD: 'my-own-password', JWT_SECRET: 's'.repeat(40) });
    const banner = formatBanner({ config, address, storage: 'memory' });
    expect(banner).not.toContain('my-own-password');
    expect(banner).not.toContain('s'.repeat(40));
    expect(banner).toContain('<ADMIN_PASSWORD>');
  });

  it('quotes the login body for the shell, whatever the email holds', () => {
    const config = parseConfig({ ADMIN_EMAIL: "o'hara@example.com" });
    const banner = formatBanner({ config, address, storage: 'memory' });
    const curl = banner.split('\n').find((line) => line.includes('curl'));
    const body = curl?.slice(curl.indexOf(' -d ') + 4) ?? '';
    const echoed = execFileSync('sh', ['-c', `printf %s ${body}`], { encoding: 'utf8' });
    expect(JSON.parse(echoed)).toEqual({ email: "o'hara@example.com", password: config.admin.password });
  });

  it('names the storage, and never prints a generated password that an existing admin does not have', () => {
    const config = parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', JWT_SECRET: 'k'.repeat(32) });
    const storage = 'redis at redis://127.0.0.1:6379 (prefix "chatshipper:")';
    const banner = formatBanner({ config, address, storage, admin: { created: false, role: 'admin' } });
    expect(banner).toContain(`storage: ${storage}`);
    expect(banner).toContain('admin password: (unchanged: this admin already existed in the shared storage)');
    expect(banner).not.toContain(config.admin.password);
    expect(banner).toContain('<ADMIN_PASSWORD>');
    expect(banner).not.toContain('note:');
    const created = formatBanner({ config, address, storage, admin: { created: true, role: 'admin' } });
    expect(created).toContain(config.admin.password);
  });

  it('warns when the user with the admin email is no longer an admin', () => {
    const config = parseConfig({ ADMIN_PASSWORD: 'my-own-password' });
    const banner = formatBanner({ config, address, storage: 'memory', admin: { created: false, role: 'agent' } });
    expect(banner).toContain('note: that user exists with role "agent", not "admin"');
  });
});
