// The checks of createRedisCollection's `tenancy` option (lib/collection-tenancy.ts), word for
// word: the option's shape, every kind of invalid organization path (for `within` and for a
// document's paths), the exact edges of "well-formed UTF-16" and of "a control character", a
// document without paths (no index entry), and the 4096-organization cap exactly at the edge.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisCollection, type RedisCollection } from './index.js';
import { TEST_REDIS_URL, deleteKeys, uniquePrefix } from '../../../test/support/redis.js';

interface Conversation {
  readonly id: string;
  readonly organizationPath?: unknown;
}

interface Member {
  readonly id: string;
  readonly organizationPaths: readonly string[];
}

const prefix = uniquePrefix('rrk-tenancy');
const client = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

beforeAll(async () => {
  await client.connect();
});

afterAll(async () => {
  await deleteKeys(client, prefix);
  await client.quit();
});

let count = 0;
function nextName(label: string): string {
  count += 1;
  return `${label}${count}`;
}

function conversations(separator?: string): RedisCollection<Conversation> {
  return createRedisCollection<Conversation>({
    client,
    prefix,
    name: nextName('conversations'),
    tenancy: { paths: (conversation) => conversation.organizationPath as string | null | undefined, ...(separator ? { separator } : {}) },
  });
}

/** The message of the TypeError `run` throws (fails when it throws anything else, or nothing). */
function typeErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    return (error as TypeError).message;
  }
  throw new Error('no TypeError');
}

async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TypeError);
  return (error as TypeError).message;
}

const ids = (documents: readonly { readonly id: string }[]): string[] => documents.map((document) => document.id);

describe('createRedisCollection: the tenancy option, word for word', () => {
  it('refuses a tenancy that is not an object', () => {
    const make = (tenancy: unknown) => () => createRedisCollection<Conversation>({ client, prefix, name: 'x', tenancy: tenancy as never });
    for (const tenancy of [null, 'organizationPath', 42, () => 'r1']) {
      expect(typeErrorOf(make(tenancy)), String(tenancy)).toBe('createRedisCollection: `tenancy` must be { paths, separator? }');
    }
  });

  it('refuses a separator that is not a string, even one that reads as "#"', () => {
    for (const separator of [['#'], { toString: () => '#' }, 35]) {
      const make = () =>
        createRedisCollection<Conversation>({ client, prefix, name: 'x', tenancy: { paths: () => null, separator: separator as never } });
      expect(typeErrorOf(make)).toBe('createRedisCollection: `tenancy.separator` must be one printable ASCII punctuation character, e.g. "#"');
    }
  });
});

describe('createRedisCollection: invalid organization paths, word for word', () => {
  const problems: [string, unknown, string][] = [
    ['not a string', 42, 'not a string'],
    ['empty', '', 'empty'],
    ['too long', 'x'.repeat(4097), 'longer than 4096 characters'],
    ['a leading separator', '#r1', 'an empty segment (a path is ids joined by "#")'],
    ['a control character', 'r1#c\u001f', 'a control character'],
    ['DEL', 'r1#c\u007f', 'a control character'],
    ['a lone high surrogate at the end', 'r1#\ud800', 'a lone surrogate (not well-formed UTF-16)'],
    ['a high surrogate before a letter', 'r1#\ud800a', 'a lone surrogate (not well-formed UTF-16)'],
    ['a high surrogate before a non-surrogate above them', 'r1#\udbff\ue000', 'a lone surrogate (not well-formed UTF-16)'],
    ['a high surrogate before another high one', 'r1#\udbff\udbff', 'a lone surrogate (not well-formed UTF-16)'],
    ['a lone low surrogate (the first)', 'r1#\udc00', 'a lone surrogate (not well-formed UTF-16)'],
    ['a lone low surrogate (the last)', 'r1#\udfff', 'a lone surrogate (not well-formed UTF-16)'],
    ['two low surrogates', 'r1#\udc00\udc00', 'a lone surrogate (not well-formed UTF-16)'],
  ];

  for (const [what, path, problem] of problems) {
    it(`${what}: as \`within\` and as a document's path`, async () => {
      const collection = conversations();
      expect(await rejectionOf(collection.list({ within: path as string }))).toBe(
        `createRedisCollection: \`within\` is not a valid organization path: ${problem}`,
      );
      expect(await rejectionOf(collection.count({ within: path as string }))).toBe(
        `createRedisCollection: \`within\` is not a valid organization path: ${problem}`,
      );
      expect(await rejectionOf(collection.create({ id: 'c', organizationPath: path }))).toBe(
        `createRedisCollection: a path of tenancy.paths(document) is not a valid organization path: ${problem}`,
      );
      expect(await collection.count()).toBe(0);
    });
  }

  it('names the separator in the empty-segment problem', async () => {
    const collection = conversations('/');
    expect(await rejectionOf(collection.list({ within: 'r1//c1' }))).toBe(
      'createRedisCollection: `within` is not a valid organization path: an empty segment (a path is ids joined by "/")',
    );
  });

  it('a value of paths(document) that is neither a string nor an array is one (invalid) path', async () => {
    const collection = conversations();
    for (const organizationPath of [42, { path: 'r1' }, true]) {
      expect(await rejectionOf(collection.create({ id: 'c', organizationPath }))).toBe(
        'createRedisCollection: a path of tenancy.paths(document) is not a valid organization path: not a string',
      );
    }
    expect(await collection.count()).toBe(0);
  });
});

describe('createRedisCollection: valid paths at the edges', () => {
  const valid: [string, string][] = [
    ['a space (the first printable character)', 'r1#c 1'],
    ['a private-use character above the surrogates', 'r1#\ue000'],
    ['U+FFFF', 'r1#\uffff'],
    ['the first astral character (high + first low surrogate)', 'r1#\ud800\udc00'],
    ['a high surrogate with the last low one', 'r1#\ud800\udfff'],
    ['the last code point, U+10FFFF', 'r1#\udbff\udfff'],
    ['4096 characters', `r1#${'x'.repeat(4093)}`],
  ];
  for (const [what, path] of valid) {
    it(`${what}: indexed and found within it and its parent`, async () => {
      const collection = conversations();
      await collection.create({ id: 'c', organizationPath: path });
      expect(ids(await collection.list({ within: path }))).toEqual(['c']);
      expect(await collection.count({ within: path })).toBe(1);
      expect(ids(await collection.list({ within: 'r1' }))).toEqual(['c']);
    });
  }
});

describe('createRedisCollection: documents without paths', () => {
  it('undefined or null paths: stored, in no subtree, no index entry', async () => {
    const collection = conversations();
    await collection.create({ id: 'a' });
    await collection.create({ id: 'b', organizationPath: null });
    await collection.create({ id: 'c', organizationPath: 'r1' });
    await collection.update('c', () => ({ id: 'c' }));
    expect(ids(await collection.list())).toEqual(['a', 'b', 'c']);
    expect(await collection.count({ within: 'r1' })).toBe(0);
    const keys = `${prefix}col:{${collection.name}}:`;
    expect(await client.zcard(`${keys}org`)).toBe(0);
    expect(await client.zcard(`${keys}orgm`)).toBe(0);
    expect(await client.hmget(`${keys}docs`, 'p:a', 'p:b', 'p:c')).toEqual([null, null, null]);
  });
});

describe('createRedisCollection: at most 4096 organizations per document', () => {
  // 819 paths of 5 organizations each (r<i>, r<i>#a, …, r<i>#a#b#c#d) and one more root: 4096.
  const paths = [...Array.from({ length: 819 }, (_, i) => `r${i}#a#b#c#d`), 'r819'];

  it('accepts exactly 4096', async () => {
    const users = createRedisCollection<Member>({ client, prefix, name: nextName('users'), tenancy: { paths: (user) => user.organizationPaths } });
    await users.create({ id: 'u', organizationPaths: paths });
    expect(await users.count({ within: 'r0#a#b' })).toBe(1);
    expect(await users.count({ within: 'r819' })).toBe(1);
    expect(await client.zcard(`${prefix}col:{${users.name}}:orgm`)).toBe(4096);
  });

  it('refuses 4097, writing nothing', async () => {
    const users = createRedisCollection<Member>({ client, prefix, name: nextName('users'), tenancy: { paths: (user) => user.organizationPaths } });
    expect(await rejectionOf(users.create({ id: 'u', organizationPaths: [...paths, 'r820'] }))).toBe(
      'createRedisCollection: the paths of one document reach more than 4096 organizations',
    );
    expect(await users.count()).toBe(0);
  });
});
