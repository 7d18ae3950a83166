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
