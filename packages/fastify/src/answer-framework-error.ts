import { httpErrorFor } from '@scopeladder/core';
import { toScopeladderError, type ErrorAnswer } from '@scopeladder/tokens/http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendErrorAnswer } from './send-error-answer.js';

/**
 * Fastify's `frameworkErrors` server option, answered through core's table like every other
 * error: Fastify's router answers a path whose percent-encoding does not decode
 * (`/v2/organizations/%zz`, `FST_ERR_BAD_URL`) or an over-long path parameter by itself, before
 * any route, hook or error handler, in its own shape and echoing the path. With this it is
 * `400 ERR_INVALID_REQUEST`, as on Express and Koa. Uses the registered plugin's
 * `toErrorAnswer` (and so the service's `http` options and the plugin's `formatError`); core's
 * defaults without it.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import scopeladder, { answerFrameworkError } from '@scopeladder/fastify';
 *
 * const app = Fastify({ frameworkErrors: answerFrameworkError });
 * await app.register(scopeladder, { service, jsonBody: true });
 * ```
 */
export function answerFrameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const decorator = (request.server as { scopeladder?: { toErrorAnswer?: (error: unknown) => ErrorAnswer } }).scopeladder;
  const answer = decorator?.toErrorAnswer ? decorator.toErrorAnswer(error) : httpErrorFor(toScopeladderError(error));
  void sendErrorAnswer(reply, answer);
}
