import type { ErrorAnswer } from '@scopeladder/tokens/http';
import type { FastifyReply } from 'fastify';

/**
 * Writes an error answer: an object as Fastify serializes it, any other JSON value (a body an
 * application's `formatError` shaped) serialized here, so that it is JSON too, never text.
 */
export function sendErrorAnswer(reply: FastifyReply, answer: ErrorAnswer): FastifyReply {
  reply.code(answer.status).headers(answer.headers);
  if (typeof answer.body === 'object' && answer.body !== null) return reply.send(answer.body);
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(answer.body));
}
