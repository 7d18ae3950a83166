import { describe, expect, it } from 'vitest';
import { main } from './observability.js';

describe('the observability example (docs/observability.md) runs as documented', () => {
  it('prints one line per decision, as its comments say', async () => {
    const lines: string[] = [];
    await main((line) => lines.push(line));
    expect(lines).toEqual([
      'ALLOW user u1 list Conversation at GET /v2/conversations',
      'DENY user u1 delete User at DELETE /v2/users/:id (insufficient_scope, needs admin)',
    ]);
  });
});
