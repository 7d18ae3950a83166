// Tests for mutants of http/read-json-body.ts that survived the tokens tests (issue "Test
// strength"): its two messages. Each fails with its mutant applied. See docs/testing.md.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { expectCode } from '../test-fixtures.js';
import { readJsonBody } from './read-json-body.js';

const requestOf = (headers: Record<string, string>, body: string): IncomingMessage =>
  Object.assign(Readable.from([body]), { headers }) as unknown as IncomingMessage;

describe('readJsonBody says who and what', () => {
  it('an option mistake names readJsonBody', async () => {
    await expect(readJsonBody(requestOf({ 'content-type': 'application/json' }, '{}'), { limit: -1 } as never)).rejects.toThrow(/^readJsonBody: /);
  });

  it('a body that is not JSON is told to be sent as application/json', async () => {
    const error = await expectCode(
      readJsonBody(requestOf({ 'content-type': 'text/plain', 'content-length': '2' }, '{}')),
      'ERR_UNSUPPORTED_MEDIA_TYPE',
    );
    expect(error.message).toBe('Send the body as application/json');
  });
});
