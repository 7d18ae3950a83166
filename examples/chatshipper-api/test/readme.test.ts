// The README's walkthrough, run as written: its `sh` blocks between the walkthrough markers, in
// one bash, against two servers started the way the README starts them (on free ports).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

const README = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
const ADMIN_ENV = { ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'change-me-please' };

function walkthroughScript(): string {
  const start = README.indexOf('<!-- walkthrough:start -->');
  const end = README.indexOf('<!-- walkthrough:end -->');
  if (start === -1 || end <= start) throw new Error('walkthrough markers missing from README.md');
  const blocks = [...README.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks.join('\n');
}

function onPath(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Where `jq` is not installed, a stand-in for the one form the README uses: `jq -r .field [file]`.
const JQ_SHIM = `#!/usr/bin/env node
const [flag, filter, file] = process.argv.slice(2);
if (flag !== '-r' || !/^\\.[A-Za-z]+$/.test(filter ?? '')) {
  process.stderr.write('jq stand-in: only "jq -r .field [file]" is supported\\n');
  process.exit(2);
}
const text = require('node:fs').readFileSync(file ?? 0, 'utf8');
const value = JSON.parse(text)[filter.slice(1)];
process.stdout.write((value === undefined ? 'null' : typeof value === 'string' ? value : JSON.stringify(value)) + '\\n');
`;

describe('README walkthrough', () => {
  let main: ServerProcess;
  let short: ServerProcess;
  let work: string;
  let build: Build;

  beforeAll(async () => {
    build = buildServer();
    [main, short] = await Promise.all([
      startServerProcess(build.main, { PORT: '0', ...ADMIN_ENV }),
      startServerProcess(build.main, { PORT: '0', ACCESS_TOKEN_TTL: '2s', ...ADMIN_ENV }),
    ]);
    work = mkdtempSync(join(tmpdir(), 'chatshipper-readme-'));
  }, 30_000);

  afterAll(async () => {
    await Promise.all([main?.stop(), short?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
    build?.remove();
  });

  it('documents the two start commands the test uses', () => {
    expect(README).toContain('ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD=change-me-please pnpm start');
    expect(README).toContain('PORT=3001 ACCESS_TOKEN_TTL=2s ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD=change-me-please pnpm start');
  });

  it('runs from login to revocation with the documented answers', async () => {
    const script = walkthroughScript().replaceAll('http://127.0.0.1:3000', main.baseUrl).replaceAll('http://127.0.0.1:3001', short.baseUrl);
    expect(script).toContain(main.baseUrl);
    expect(script).toContain(short.baseUrl);

    let path = process.env['PATH'] ?? '';
    if (!onPath('jq')) {
      const bin = join(work, 'bin');
      execFileSync('mkdir', ['-p', bin]);
      writeFileSync(join(bin, 'jq'), JQ_SHIM);
      chmodSync(join(bin, 'jq'), 0o755);
      path = `${bin}${delimiter}${path}`;
    }

    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-c', `set -euo pipefail\n${script}`], { cwd: work, env: { PATH: path } });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      child.once('exit', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);

    // The answers the README shows, in the order it shows them.
    const expected = [
      '"tokenType":"Bearer"',
      '"email":"ada@example.com","role":"agent"',
      '"topic":"Order 1042"',
      'HTTP/1.1 403 Forbidden',
      'error="insufficient_scope"',
      'scope="bot"',
      '"name":"Ada"',
      '} 200',
      '"code":"ERR_INSUFFICIENT_SCOPE"',
      '} 403',
      '"refreshToken"',
      '"code":"ERR_REFRESH_REUSED"',
      '"code":"ERR_TOKEN_REVOKED"',
      '200\nHTTP/1.1 403 Forbidden',
      'error_description="The access token expired"',
      '"code":"ERR_TOKEN_EXPIRED"',
      '}\n200\n',
      '"kind":"bot","apiToken":"',
      '[] 200',
      '"role":"agent"',
      '403\n200\n204\nHTTP/1.1 401 Unauthorized',
      'error_description="Invalid API key"',
      '"code":"ERR_API_KEY_INVALID"',
      '"name":"Acme"',
      '"level":2',
      '201\n201\n',
      '"topic":"Acme matter"',
      // Acme's admin lists Acme's conversation alone; the root's and Globex's are "not found".
      '[{"topic":"Acme matter"',
      '"organizationPath":"',
      '}]\n{"code":"ERR_NOT_FOUND","message":"Conversation not found"} 404\n{"code":"ERR_NOT_FOUND","message":"Conversation not found"} 404\n{"code":"ERR_NOT_FOUND","message":"Conversation not found"} 404\n[] 200\n{"code":"ERR_FORBIDDEN"',
      '} 403\nlink: <http://127.0.0.1:',
      '/v2/conversations?limit=2&offset=2>; rel="next"',
    ];
    let from = 0;
    for (const text of expected) {
      const at = stdout.indexOf(text, from);
      expect(at, `expected ${JSON.stringify(text)} after offset ${from} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
      from = at + text.length;
    }
  }, 30_000);
});

describe('README: Verifying our tokens in another service', () => {
  let server: ServerProcess;
  let build: Build;
  let folder: string;

  /** The `js` block between the verify-example markers: `verify.mjs`, as written. */
  function verifyScript(): string {
    const start = README.indexOf('<!-- verify-example:start -->');
    const end = README.indexOf('<!-- verify-example:end -->');
    if (start === -1 || end <= start) throw new Error('verify-example markers missing from README.md');
    const block = /```js\n([\s\S]*?)```/.exec(README.slice(start, end));
    if (!block?.[1]) throw new Error('no js block between the verify-example markers');
    return block[1];
  }

  function runVerify(env: Record<string, string>, token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [join(folder, 'verify.mjs'), token], { cwd: folder, env: { PATH: process.env['PATH'] ?? '', ...env } });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  beforeAll(async () => {
    build = buildServer();
    server = await startServerProcess(build.main, { PORT: '0', JWT_ALGORITHM: 'EdDSA', ...ADMIN_ENV });
    // Under the package, so that `jose` resolves from its node_modules, as in a service that installed it.
    folder = mkdtempSync(join(PACKAGE_DIR, 'node_modules', '.cache', 'verify-example-'));
    writeFileSync(join(folder, 'verify.mjs'), verifyScript());
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
    build?.remove();
  });

  it('verifies a token of the server with its remote JWKS, and refuses it for another issuer', async () => {
    const login = await fetch(`${server.baseUrl}/v2/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_ENV.ADMIN_EMAIL, password: ADMIN_ENV.ADMIN_PASSWORD }),
    });
    const { token, user } = (await login.json()) as { token: string; user: string };
    const jwksEnv = { CHATSHIPPER_JWKS: `${server.baseUrl}/.well-known/jwks.json` };

    const verified = await runVerify(jwksEnv, token);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toBe(`{ user: '${user}', scope: 'admin' }\n`);

    const elsewhere = await runVerify({ ...jwksEnv, CHATSHIPPER_ISSUER: 'https://someone-else.example' }, token);
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toContain('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const tampered = await runVerify(jwksEnv, `${token.slice(0, -4)}AAAA`);
    expect(tampered.code).not.toBe(0);
  }, 30_000);
});
