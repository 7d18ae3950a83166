// Prints every guard decision as it happens. Run it: `pnpm tsx test/docs-examples/observability.ts`
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createExpressAuth } from '@scopeladder/express';
import { createAuthService, createMemoryDirectory, hashPassword } from '@scopeladder/tokens';
import { DECISION_CHANNEL, type DecisionMessage } from '@scopeladder/tokens/diagnostics';
import express from 'express';

/** One line per decision: the answer, who asked, for what, where, and why not. */
export function formatDecision(decision: DecisionMessage): string {
  const { allowed, principalKind, principalId, action, subject, route, reason, requiredScope } = decision;
  const why = allowed ? '' : ` (${reason}${requiredScope === null ? '' : `, needs ${requiredScope}`})`;
  return `${allowed ? 'ALLOW' : 'DENY'} ${principalKind ?? 'principal'} ${principalId} ${action} ${subject} at ${route ?? '?'}${why}`;
}

/** Subscribes `print` to the decision channel; returns how to stop. */
export function printDecisions(print: (line: string) => void): () => void {
  const onDecision = (message: unknown) => print(formatDecision(message as DecisionMessage));
  subscribe(DECISION_CHANNEL, onDecision);
  return () => unsubscribe(DECISION_CHANNEL, onDecision);
}

/** An Express app with two guarded routes, two requests by an agent, their decisions printed. */
export async function main(print: (line: string) => void = console.log): Promise<void> {
  const stop = printDecisions(print);
  const password = randomBytes(12).toString('hex');
  const directory = createMemoryDirectory(
    [{ id: 'u1', email: 'arno@example.test', role: 'agent', organization: 'acme', passwordHash: await hashPassword(password) }],
    { organizations: [{ id: 'acme', path: 'acme' }] },
  );
  const service = createAuthService({ directory, keys: { algorithm: 'HS256', secret: randomBytes(32).toString('hex') } });
  const auth = createExpressAuth({ service });
  const app = express();
  app.get('/v2/conversations', auth.authorize('list', 'Conversation'), (_req, res) => void res.json([]));
  app.delete('/v2/users/:id', auth.authorize('delete', 'User'), (_req, res) => void res.status(204).end());
  app.use(auth.errorHandler);

  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const { token } = await service.login({ email: 'arno@example.test', password });
    const headers = { authorization: `Bearer ${token}` };
    await fetch(`${url}/v2/conversations`, { headers }); // ALLOW user u1 list Conversation at GET /v2/conversations
    await fetch(`${url}/v2/users/u2`, { method: 'DELETE', headers }); // DENY user u1 delete User at DELETE /v2/users/:id (insufficient_scope, needs admin)
  } finally {
    server.close();
    stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
