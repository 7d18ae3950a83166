import { pino, type DestinationStream } from 'pino';
import type { LogLevelSetting } from './config.js';

/** One finished request, as the framework glue reports it. */
export interface RequestLogEntry {
  readonly method: string;
  /** The request URL; only its path is ever written (the query may hold a refresh token). */
  readonly url: string;
  readonly status: number;
  readonly durationMs: number;
  /** The authenticated principal's id, when there was one (ids are not secrets). */
  readonly principalId?: string | undefined;
  /** The request's id (the `X-Request-Id` the server answered with), when there is one. */
  readonly requestId?: string | undefined;
}

/** The levels of {@link Logger.event}, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Extra fields of a JSON log line. Only ids, codes, counts and names: never a token, a key, a
 * password, a hash, a header or a body.
 */
export type LogFields = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

/**
 * Where the server writes: JSON lines (pino) on stdout, errors on stderr; and, once at start,
 * the banner as plain text for the person who started it.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A line at any level (the audit log picks the level per event). */
  event(level: LogLevel, message: string, fields?: LogFields): void;
  /** One line per finished request: method, path without query, status, duration, caller, request id. */
  request(entry: RequestLogEntry): void;
  /** Plain text, not JSON, on stdout: the startup banner only. */
  print(text: string): void;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Where lines below `error` go, one call per line (default: stdout). */
  readonly out?: (line: string) => void;
  /** Where `error` lines go (default: stderr). */
  readonly err?: (line: string) => void;
  readonly now?: () => Date;
  /** The lowest level written (`LOG_LEVEL`). Default `info`. */
  readonly level?: LogLevelSetting;
}

// Request paths are printed, so keep them to printable ASCII and a sane length.
const UNPRINTABLE = /[^\x21-\x7e]/g;
const MAX_PATH = 200;
const MAX_FIELD = 200;

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

function lineWriter(write: (line: string) => void): DestinationStream {
  return { write: (chunk: string) => write(chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk) };
}

function clip(value: string, max = MAX_FIELD): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

/**
 * A logger that writes JSON lines through pino: `level` (as a word), `time` (ISO 8601), `msg`
 * and the line's fields. Lines at `error` go to stderr, the others to stdout. Request lines hold
 * the method, the path without its query, the status, the duration, the caller's id and the
 * request id — never a header, a body, a token, a password or a key.
 *
 * @example
 * ```ts
 * const log = createLogger({ level: 'info' });
 * log.request({ method: 'GET', url: '/v2/users?x=1', status: 200, durationMs: 3.2, principalId: id, requestId });
 * // {"level":"info","time":"2025-01-01T00:00:00.000Z","reqId":"…","method":"GET","path":"/v2/users","status":200,"durationMs":3.2,"principalId":"5f0c…","msg":"request"}
 * ```
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const streams = pino.multistream(
    [
      { level: 'trace', stream: lineWriter(out) },
      { level: 'error', stream: lineWriter(err) },
    ],
    { dedupe: true },
  );
  const log = pino(
    {
      level: options.level ?? 'info',
      base: undefined,
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    streams,
  );
  const event = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (fields === undefined) log[level](message);
    else log[level](fields, message);
  };
  return {
    info: (message, fields) => event('info', message, fields),
    warn: (message, fields) => event('warn', message, fields),
    error: (message, fields) => event('error', message, fields),
    event,
    request(entry) {
      const fields: Record<string, string | number> = {};
      if (entry.requestId !== undefined) fields['reqId'] = clip(entry.requestId, 64);
      fields['method'] = entry.method.replace(UNPRINTABLE, '?').slice(0, 16);
      fields['path'] = pathForLog(entry.url);
      fields['status'] = entry.status;
      fields['durationMs'] = Math.round(entry.durationMs * 10) / 10;
      if (entry.principalId) fields['principalId'] = clip(entry.principalId, 64);
      log.info(fields, 'request');
    },
    print: (text) => out(text),
  };
}
