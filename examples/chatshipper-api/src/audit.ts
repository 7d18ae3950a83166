import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  AUTHENTICATE_CHANNEL,
  CREDENTIAL_CHANNEL,
  DECISION_CHANNEL,
  type AuthenticateMessage,
  type CredentialEvent,
  type DecisionMessage,
} from '@scopeladder/tokens/diagnostics';
import type { LogFields, LogLevel, Logger } from './log.js';

/** Options of {@link subscribeAuditLog}. */
export interface AuditLogOptions {
  readonly logger: Logger;
  /** The id of the request in whose context an event was published (the framework glue's `currentRequestId`). */
  readonly requestId: () => string | undefined;
}

/** The level of each credential event's audit line; a type this server does not know yet: `info`. */
const CREDENTIAL_LEVELS: Readonly<Partial<Record<CredentialEvent['type'], LogLevel>>> = {
  'login.failed': 'warn',
  'refresh.reused': 'warn',
  'throttle.engaged': 'warn',
  'store.unavailable': 'error',
};

const MAX_STRING = 200;
/** Message fields whose names the log line itself uses (pino's `level`, `time`, `msg`; ours). */
const RENAMED: Readonly<Record<string, string>> = { level: 'checkedOn', time: 'eventTime', msg: 'message', event: 'eventName', reqId: 'requestId' };
const MAX_LIST = 32;

/**
 * A message's fields as log fields: strings (clipped), numbers, booleans, `null` and lists of
 * strings; anything else (and `version`, `type`) is left out. The messages carry ids and codes
 * only (their contract); this keeps a line to flat, bounded values whatever comes. A field named
 * like one of the line's own is renamed (a decision's `level`, `type` or `record`: `checkedOn`).
 */
function fieldsOf(message: object): Record<string, string | number | boolean | null | readonly string[]> {
  const fields: Record<string, string | number | boolean | null | readonly string[]> = {};
  for (const [key, value] of Object.entries(message)) {
    if (key === 'version' || key === 'type') continue;
    const name = RENAMED[key] ?? key;
    if (typeof value === 'string') fields[name] = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) fields[name] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      fields[name] = (value as string[]).slice(0, MAX_LIST).map((item) => item.slice(0, MAX_STRING));
    }
  }
  return fields;
}

/**
 * The audit log: subscribes to scopeladder's `node:diagnostics_channel` channels and writes one
 * JSON line per security event, `msg: "audit"`, `event` naming it, the message's ids and codes,
 * and `reqId` when it happened while serving a request. Credential events (logins, refreshes,
 * refresh-token reuse and the session revoked with it, logouts, sessions ended, API keys,
 * throttling, the token store unavailable and back) and denied guard decisions and failed
 * authentications at `info` or above; allowed decisions and accepted credentials at `debug`
 * (`LOG_LEVEL=debug`). Returns the unsubscribe.
 *
 * @example
 * ```ts
 * const stop = subscribeAuditLog({ logger, requestId: currentRequestId });
 * // {"level":"warn","time":"…","reqId":"…","event":"refresh.reused","userId":"…","sessionId":"…","familyRevoked":true,"msg":"audit"}
 * stop();
 * ```
 */
export function subscribeAuditLog(options: AuditLogOptions): () => void {
  const { logger, requestId } = options;
  const write = (level: LogLevel, event: string, message: object): void => {
    // A subscriber that throws would come back as an uncaught exception (diagnostics_channel
    // rethrows it on the next tick) and stop the server: an audit line that cannot be written is
    // dropped instead.
    try {
      const id = requestId();
      const fields: LogFields = { ...(id === undefined ? {} : { reqId: id }), event, ...fieldsOf(message) };
      logger.event(level, 'audit', fields);
    } catch {
      // nothing safe to report it through: the logger itself failed
    }
  };
  const onCredential = (message: unknown): void => {
    const event = message as CredentialEvent;
    write(CREDENTIAL_LEVELS[event.type] ?? 'info', String(event.type), event);
  };
  const onDecision = (message: unknown): void => {
    const decision = message as DecisionMessage;
    write(decision.allowed ? 'debug' : 'info', decision.allowed ? 'decision.allowed' : 'decision.denied', decision);
  };
  const onAuthenticate = (message: unknown): void => {
    const result = message as AuthenticateMessage;
    write(result.ok ? 'debug' : 'info', result.ok ? 'authenticate.succeeded' : 'authenticate.failed', result);
  };
  subscribe(CREDENTIAL_CHANNEL, onCredential);
  subscribe(DECISION_CHANNEL, onDecision);
  subscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
  return () => {
    unsubscribe(CREDENTIAL_CHANNEL, onCredential);
    unsubscribe(DECISION_CHANNEL, onDecision);
    unsubscribe(AUTHENTICATE_CHANNEL, onAuthenticate);
  };
}
