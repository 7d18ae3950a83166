/** One finished request, as the framework glue reports it. */
export interface RequestLogEntry {
  readonly method: string;
  /** The request URL; only its path is ever written (the query may hold a refresh token). */
  readonly url: string;
  readonly status: number;
  readonly durationMs: number;
  /** The authenticated principal's id, when there was one (ids are not secrets). */
  readonly principalId?: string | undefined;
}

/** Where the server writes: startup lines and one line per request. */
export interface Logger {
  info(message: string): void;
  error(message: string): void;
  request(entry: RequestLogEntry): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
  readonly now?: () => Date;
}

// Request paths are printed, so keep them to printable ASCII and a sane length.
const UNPRINTABLE = /[^\x21-\x7e]/g;
const MAX_PATH = 200;

/**
 * The path of a request URL for logging: no query string (a refresh token travels in
 * `?refreshToken=`), no fragment, no control characters, truncated.
 *
 * @example
 * ```ts
 * pathForLog('/v2/auth/token?refreshToken=abc'); // '/v2/auth/token'
 * ```
 */
export function pathForLog(url: string): string {
  const end = url.search(/[?#]/);
  const path = (end === -1 ? url : url.slice(0, end)).replace(UNPRINTABLE, '?');
  return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path;
}

/**
 * A logger that writes plain lines. Request lines hold the method, the path without its query,
 * the status, the duration and the caller's id — never a header, a body, a token, a password
 * or a key.
 *
 * @example
 * ```ts
 * const log = createLogger();
 * log.request({ method: 'GET', url: '/v2/users?x=1', status: 200, durationMs: 3.2, principalId: id });
 * // 2025-01-01T00:00:00.000Z GET /v2/users 200 3ms user=5f0c…
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  return {
    info: (message) => out(message),
    error: (message) => err(message),
    request(entry) {
      const method = entry.method.replace(UNPRINTABLE, '?').slice(0, 16);
      const who = entry.principalId ? ` user=${entry.principalId.replace(UNPRINTABLE, '?').slice(0, 64)}` : '';
      out(`${now().toISOString()} ${method} ${pathForLog(entry.url)} ${entry.status} ${Math.round(entry.durationMs)}ms${who}`);
    },
  };
}
