import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
/** One HTTP answer, read fully. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or `undefined` for an empty body. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the JSON they expect
  readonly body: any;
  readonly text: string;
}

/** Options of {@link request}. */
export interface RequestOptions {
  readonly token?: string | undefined;
  /** A raw `Authorization` value (wins over `token`). */
  readonly authorization?: string | undefined;
  readonly body?: unknown;
  /** A raw body string, sent as JSON. */
  readonly rawBody?: string;
}

/** Sends a request to the server under test. */
export async function request(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  const authorization = options.authorization ?? (options.token === undefined ? undefined : `Bearer ${options.token}`);
  if (authorization !== undefined) headers['authorization'] = authorization;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** An answer read by {@link requestFrom}. */
export interface FromAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the JSON they expect
  readonly body: any;
  readonly text: string;
}

/** Options of {@link requestFrom}. */
export interface RequestFromOptions {
  /** A JSON body. */
  readonly body?: unknown;
  readonly token?: string | undefined;
  /** An `X-Forwarded-For` header. */
  readonly forwardedFor?: string | undefined;
  /** More headers (e.g. `X-Forwarded-Proto`). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** One request from the client address `from` (a loopback address: fetch cannot choose it). */
export function requestFrom(baseUrl: string, from: string, method: string, path: string, options: RequestFromOptions = {}): Promise<FromAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), { method, localAddress: from });
    if (options.body !== undefined) req.setHeader('content-type', 'application/json');
    if (options.forwardedFor !== undefined) req.setHeader('x-forwarded-for', options.forwardedFor);
    if (options.token !== undefined) req.setHeader('authorization', `Bearer ${options.token}`);
    for (const [name, value] of Object.entries(options.headers ?? {})) req.setHeader(name, value);
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('error', reject);
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
      });
    });
    req.end(options.body === undefined ? undefined : JSON.stringify(options.body));
  });
}
