import type { IncomingMessage } from 'node:http';
import { readsBodyFields } from '../lib/guard-decision.js';
import type { GuardSpec } from './guard-types.js';
import { hasUnreadBody } from './read-body.js';

/**
 * Fails closed when a guard would check the body's fields (`create`/`update` without a `fields`
 * option) but the body has not been parsed yet although the request has one — a body parser
 * mounted after the guard. Throws a `TypeError` (a misconfiguration: a 500), never lets the
 * guard treat the unread body as "no fields".
 *
 * @example
 * ```ts
 * import { assertBodyParsed } from '@scopeladder/tokens/http';
 *
 * assertBodyParsed(spec, req, req.body, '@scopeladder/express: authorize');
 * ```
 */
export function assertBodyParsed<Request>(spec: GuardSpec<Request>, request: IncomingMessage, body: unknown, where: string): void {
  if (body === undefined && readsBodyFields(spec as GuardSpec<never>) && hasUnreadBody(request)) {
    throw new TypeError(
      `${where}: ${spec.action} ${spec.subject} checks the request body's fields, but the body has not been parsed: ` +
        'mount a body parser before authorize(...) or pass `fields`',
    );
  }
}
