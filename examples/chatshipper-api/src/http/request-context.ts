import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The response header that carries a request's id (and the `reqId` of its log lines). */
export const REQUEST_ID_HEADER = 'x-request-id';

const requests = new AsyncLocalStorage<{ readonly requestId: string }>();

/**
 * Runs around every request inside its request-id context (telemetry's server span): calls
 * `serve` once, synchronously, in whatever context it sets up.
 */
export type RequestObserver = (req: IncomingMessage, res: ServerResponse, requestId: string, serve: () => void) => void;

let observer: RequestObserver | undefined;

/**
 * Sets (or, with `undefined`, removes) the {@link RequestObserver} of every server of this
 * process: OpenTelemetry's server spans, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Without one,
 * requests are served as they come.
 *
 * @example
 * ```ts
 * observeRequests((req, res, requestId, serve) => context.with(trace.setSpan(context.active(), span), serve));
 * ```
 */
export function observeRequests(next: RequestObserver | undefined): void {
  observer = next;
}

/**
 * Wraps a Node request listener so that each request gets an id: a fresh UUID (a client's own
 * `X-Request-Id` is not trusted: it would let anyone write what it likes into the audit log's
 * correlation), answered in `X-Request-Id` and kept in an `AsyncLocalStorage` for the whole
 * request, so that whatever runs on its behalf — a `node:diagnostics_channel` subscriber
 * included — reads it with {@link currentRequestId}.
 *
 * @example
 * ```ts
 * const server = createServer(withRequestId(app));
 * ```
 */
export function withRequestId<Request extends IncomingMessage, Response extends ServerResponse<Request>>(
  listener: (req: Request, res: Response) => void,
): (req: Request, res: Response) => void {
  return (req, res) => {
    const requestId = randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    requests.run({ requestId }, () => {
      const current = observer;
      if (current === undefined) listener(req, res);
      else current(req, res, requestId, () => listener(req, res));
    });
  };
}

/**
 * The id of the request being served in this asynchronous context, or `undefined` outside of
 * one (start-up, a timer, a storage connection event).
 *
 * @example
 * ```ts
 * logger.info('audit', { reqId: currentRequestId() ?? null });
 * ```
 */
export function currentRequestId(): string | undefined {
  return requests.getStore()?.requestId;
}
