import { describe, expect, it } from 'vitest';
import { NO_REDIS, checkTestRedis, pingRedis } from './redis-global-setup.js';
import { TEST_REDIS_URL, freePort, withoutPassword } from './redis.js';

describe('the Redis check of a whole test run', () => {
  it('passes when the test Redis answers', async () => {
    expect(await pingRedis(TEST_REDIS_URL)).toBeNull();
    await expect(checkTestRedis(TEST_REDIS_URL, false)).resolves.toBeUndefined();
  });

  it('fails a whole run with one line saying how to get a Redis, naming the URL without its password', async () => {
    const url = `redis://:hunter2-secret@127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const failure = await checkTestRedis(url, false).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toMatch(
      new RegExp(`^${NO_REDIS} \\(no Redis answered at redis://:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/?: .+\\); the Redis tests fail without one`),
    );
    expect(failure?.message).not.toContain('hunter2');
    expect(failure?.message.split('\n')).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('does not stop a run filtered to some files (their Redis suites fail through connectTestRedis)', async () => {
    await expect(checkTestRedis(`redis://127.0.0.1:${await freePort()}`, true)).resolves.toBeUndefined();
  });

  it('hides only the password', () => {
    expect(withoutPassword('redis://user:pw@h:1/2')).toBe('redis://user:***@h:1/2');
    expect(withoutPassword('rediss://h:6380')).toBe('rediss://h:6380');
  });
});
