// OTEL_EXPORTER_OTLP_ENDPOINT: the built server exports traces and metrics over OTLP/HTTP. A
// loopback HTTP server in this test stands in for the collector and records what is POSTed.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './http-client.js';
import { buildServer, startServerProcess, type Build, type ServerProcess } from './server-process.js';

interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

const PASSWORD = 'otlp-password-1';
let build: Build;
let collector: Server;
let collectorUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  build = buildServer();
  collector = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  build?.remove();
  await new Promise((resolve) => collector?.close(resolve));
});

/** Every attribute value under `key` anywhere in an OTLP/JSON body. */
function attributeValues(body: unknown, key: string): unknown[] {
  const found: unknown[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record['key'] === key && typeof record['value'] === 'object' && record['value'] !== null) {
        found.push(...Object.values(record['value'] as Record<string, unknown>));
      }
      Object.values(record).forEach(walk);
    }
  };
  walk(body);
  return found;
}

describe.each(['fastify', 'express', 'koa'] as const)('OTEL_EXPORTER_OTLP_ENDPOINT on %s', (framework) => {
  let server: ServerProcess;
  const secrets: string[] = [PASSWORD];

  beforeAll(async () => {
    received.length = 0;
    server = await startServerProcess(build.main, {
      PORT: '0',
      FRAMEWORK: framework,
      ADMIN_EMAIL: 'otlp@example.com',
      ADMIN_PASSWORD: PASSWORD,
      OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
      OTEL_SERVICE_NAME: 'chatshipper-otlp-test',
    });
  }, 30_000);

  afterAll(() => server?.child.kill('SIGKILL'));

  it('exports a server span per request and the request-duration metric, flushed at shutdown', async () => {
    const login = await request(server.baseUrl, 'POST', '/v2/auth/token', { body: { email: 'otlp@example.com', password: PASSWORD } });
    expect(login.status).toBe(200);
    secrets.push(login.body.token, login.body.refreshToken);
    expect((await request(server.baseUrl, 'GET', '/v2/users?limit=1', { token: login.body.token })).status).toBe(200);
    expect((await request(server.baseUrl, 'GET', '/v2/users', { token: 'not-a-token' })).status).toBe(401);
    const refreshed = await request(server.baseUrl, 'GET', `/v2/auth/token?refreshToken=${encodeURIComponent(login.body.refreshToken)}`);
    expect(refreshed.status).toBe(200);
    secrets.push(refreshed.body.token, refreshed.body.refreshToken);

    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.stdout()).toContain('"endpoint":"http://127.0.0.1:');

    const traces = received.filter((entry) => entry.path === '/v1/traces');
    const metrics = received.filter((entry) => entry.path === '/v1/metrics');
    expect(traces.length).toBeGreaterThan(0);
    expect(metrics.length).toBeGreaterThan(0);
    for (const entry of [...traces, ...metrics]) expect(entry.contentType).toContain('application/json');

    const spans = traces.flatMap((entry) => {
      const body = JSON.parse(entry.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
      return body.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    });
    // One server span per request, named by its method; the path without its query.
    const paths = spans.map((span) => attributeValues(span, 'url.path')[0]);
    expect(paths).toEqual(expect.arrayContaining(['/v2/auth/token', '/v2/users']));
    expect(paths.filter((path) => path === '/v2/users')).toHaveLength(2);
    expect(spans.filter((span) => span['kind'] === 2 && span['name'] === 'GET')).toHaveLength(3);
    expect(spans.flatMap((span) => attributeValues(span, 'http.response.status_code')).map(Number)).toEqual(expect.arrayContaining([200, 401]));
    expect(traces.some((entry) => attributeValues(JSON.parse(entry.body), 'service.name').includes('chatshipper-otlp-test'))).toBe(true);

    // @scopeladder/otel's spans, children of the request's server span.
    const serverSpans = new Map(spans.filter((span) => span['kind'] === 2).map((span) => [span['spanId'], span]));
    for (const name of ['scopeladder.authenticate', 'scopeladder.authorize']) {
      const inner = spans.filter((span) => span['name'] === name);
      expect(inner.length, name).toBeGreaterThan(0);
      for (const span of inner) {
        expect(serverSpans.has(span['parentSpanId']), `${name} under a server span`).toBe(true);
        expect(span['traceId']).toBe(serverSpans.get(span['parentSpanId'])?.['traceId']);
      }
    }

    const metricNames = metrics.flatMap((entry) => [...entry.body.matchAll(/"name":"([^"]+)"/g)].map((match) => match[1]));
    expect(metricNames).toEqual(
      expect.arrayContaining([
        'http.server.request.duration',
        'scopeladder.decisions',
        'scopeladder.authentication.failures',
        'scopeladder.authentication.duration',
      ]),
    );

    // No token, refresh token or password in anything exported.
    for (const entry of received) for (const secret of secrets) expect(entry.body.includes(secret)).toBe(false);
  }, 30_000);
});

describe('OTEL_EXPORTER_OTLP_ENDPOINT with no collector there', () => {
  it('warns on stdout, keeps serving, and still stops promptly', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const server = await startServerProcess(build.main, {
      PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
    try {
      expect((await request(server.baseUrl, 'GET', '/health')).status).toBe(200);
      const deadline = Date.now() + 10_000;
      while (!server.stdout().includes('"msg":"otel: ') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.stdout()).toMatch(/"level":"warn".*"msg":"otel: /);
      expect((await request(server.baseUrl, 'GET', '/health')).status).toBe(200);
      const stopping = Date.now();
      expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      expect(Date.now() - stopping).toBeLessThan(6_000);
      expect(server.stderr()).toBe('');
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 30_000);
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('loads no OpenTelemetry module: only the on-demand telemetry chunk imports it', () => {
    const folder = dirname(build.main);
    const importers = readdirSync(folder)
      .filter((file) => file.endsWith('.js'))
      .filter((file) => /from\s*"@opentelemetry\/|import\("@opentelemetry\//.test(readFileSync(join(folder, file), 'utf8')));
    expect(importers).toHaveLength(1);
    expect(importers[0]).toMatch(/^telemetry-/);
    const main = readFileSync(build.main, 'utf8');
    expect(main).toMatch(new RegExp(`await import\\("\\./${importers[0]?.replace('.', '\\.')}"\\)`));
    expect(main).not.toContain('@opentelemetry/');
  });
});
