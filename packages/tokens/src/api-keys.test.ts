import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { IDS, ORG, expectCode, setup } from './test-fixtures.js';

describe('createApiKey', () => {
  it('creates a 32-hex key for a bot, stores only its digest, and authenticates it as the bot', async () => {
    const { auth, store } = await setup();
    const created = await auth.createApiKey(IDS.bot, ['bot']);
    expect(created.apiKey).toMatch(/^[0-9a-f]{32}$/);
    expect(created).toMatchObject({ userId: IDS.bot, scopes: ['bot'] });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/);

    const [record] = await store.listApiKeysOfUser(IDS.bot);
    expect(record?.digest).toBe(createHash('sha256').update(created.apiKey).digest('hex'));
    expect(JSON.stringify(record)).not.toContain(created.apiKey);

    const result = await auth.authenticate(`Bearer ${created.apiKey}`);
    expect(result.principal).toEqual({
      id: IDS.bot,
      scopes: ['bot'],
      kind: 'bot',
      organization: ORG,
      organizationPath: ORG,
      email: 'bot@example.com',
    });
    expect(result.token).toEqual({ kind: 'apiKey', keyId: created.id });
    expect(result.ability.can('list', 'User')).toBe(true);
    expect(result.ability.can('create', 'Organization')).toBe(false);
  });

  it('accepts lower scopes and several scopes', async () => {
    const { auth } = await setup();
    const created = await auth.createApiKey(IDS.bot, ['guest', 'agent', 'agent']);
    expect(created.scopes).toEqual(['guest', 'agent']);
    const { principal, ability } = await auth.authenticate(`Bearer ${created.apiKey}`);
    expect(principal.scopes).toEqual(['guest', 'agent']);
    expect(ability.can('list', 'User')).toBe(false);
    expect(ability.can('list', 'Conversation')).toBe(true);
  });

  it('answers ERR_SCOPE_MALFORMED for malformed scope lists', async () => {
    const { auth } = await setup();
    const malformed: unknown[] = [[], ['bot agent'], [''], [' bot'], [7], ['bo"t'], 'bot', null, { 0: 'bot' }];
    for (const scopes of malformed) await expectCode(auth.createApiKey(IDS.bot, scopes as string[]), 'ERR_SCOPE_MALFORMED');
  });

  it('answers ERR_SCOPE_NOT_ALLOWED above the bot role, for admin, and for unknown scopes', async () => {
    const { auth, directory } = await setup();
    await expectCode(auth.createApiKey(IDS.adminBot, ['admin']), 'ERR_SCOPE_NOT_ALLOWED');
    await expectCode(auth.createApiKey(IDS.bot, ['admin']), 'ERR_SCOPE_NOT_ALLOWED');
    await expectCode(auth.createApiKey(IDS.bot, ['superuser']), 'ERR_SCOPE_NOT_ALLOWED');
    directory.update(IDS.bot, { role: 'agent' });
    await expectCode(auth.createApiKey(IDS.bot, ['bot']), 'ERR_SCOPE_NOT_ALLOWED');
    await expect(auth.createApiKey(IDS.bot, ['agent'])).resolves.toBeDefined();
  });

  it('allows admin keys only with allowAdminApiKeys, and only for admin bots', async () => {
    const { auth } = await setup({ allowAdminApiKeys: true });
    const created = await auth.createApiKey(IDS.adminBot, ['admin']);
    expect((await auth.authenticate(`Bearer ${created.apiKey}`)).ability.can('create', 'Organization')).toBe(true);
    await expectCode(auth.createApiKey(IDS.bot, ['admin']), 'ERR_SCOPE_NOT_ALLOWED');
  });

  it('answers ERR_NOT_FOUND for an unknown user and ERR_INVALID_REQUEST for a non-bot user', async () => {
    const { auth } = await setup();
    await expectCode(auth.createApiKey('ffffffffffffffffffffffff', ['bot']), 'ERR_NOT_FOUND');
    await expectCode(auth.createApiKey(IDS.agent, ['agent']), 'ERR_INVALID_REQUEST');
    await expectCode(auth.createApiKey('', ['agent']), 'ERR_INVALID_REQUEST');
    await expectCode(auth.createApiKey(7 as unknown as string, ['agent']), 'ERR_INVALID_REQUEST');
  });
});

describe('authenticating API keys', () => {
  it('refuses wrong, truncated, extended and re-cased keys', async () => {
    const { auth } = await setup();
    const { apiKey } = await auth.createApiKey(IDS.bot, ['bot']);
    const wrong = `${apiKey.slice(0, -1)}${apiKey.endsWith('0') ? '1' : '0'}`;
    for (const key of [wrong, '94c70d470e391bdc16a8d8363b5d4891', apiKey.slice(0, 31), `${apiKey}0`, apiKey.toUpperCase(), apiKey.slice(0, 8)]) {
      await expectCode(auth.authenticate(`Bearer ${key}`), 'ERR_API_KEY_INVALID');
    }
    await expect(auth.authenticate(`Bearer ${apiKey}`)).resolves.toBeDefined();
  });

  it('refuses a revoked key at once, and every key of a user revoked together', async () => {
    const { auth } = await setup();
    const one = await auth.createApiKey(IDS.bot, ['bot']);
    const two = await auth.createApiKey(IDS.bot, ['agent']);
    expect(await auth.revokeApiKey(one.id)).toBe(true);
    expect(await auth.revokeApiKey(one.id)).toBe(false);
    await expectCode(auth.authenticate(`Bearer ${one.apiKey}`), 'ERR_API_KEY_INVALID');
    await expect(auth.authenticate(`Bearer ${two.apiKey}`)).resolves.toBeDefined();
    expect(await auth.revokeApiKeysOfUser(IDS.bot)).toBe(1);
    await expectCode(auth.authenticate(`Bearer ${two.apiKey}`), 'ERR_API_KEY_INVALID');
    await expectCode(auth.revokeApiKey(''), 'ERR_INVALID_REQUEST');
    await expectCode(auth.revokeApiKeysOfUser(5 as unknown as string), 'ERR_INVALID_REQUEST');
  });

  it('refuses the key of a deleted bot at the next request, without revoking anything', async () => {
    const { auth, directory } = await setup();
    const { apiKey } = await auth.createApiKey(IDS.bot, ['bot']);
    await auth.authenticate(`Bearer ${apiKey}`);
    directory.delete(IDS.bot);
    await expectCode(auth.authenticate(`Bearer ${apiKey}`), 'ERR_API_KEY_INVALID');
  });

  it('follows the bot role live: demotion caps the key, promotion never raises it above its scopes', async () => {
    const { auth, directory } = await setup();
    const { apiKey } = await auth.createApiKey(IDS.bot, ['bot']);
    expect((await auth.authenticate(`Bearer ${apiKey}`)).ability.can('list', 'User')).toBe(true);

    directory.update(IDS.bot, { role: 'agent' });
    const demoted = await auth.authenticate(`Bearer ${apiKey}`);
    expect(demoted.principal.scopes).toEqual(['agent']);
    expect(demoted.ability.can('list', 'User')).toBe(false);
    expect(demoted.ability.can('list', 'Conversation')).toBe(true);

    directory.update(IDS.bot, { role: 'guest' });
    expect((await auth.authenticate(`Bearer ${apiKey}`)).principal.scopes).toEqual(['guest']);

    directory.update(IDS.bot, { role: 'admin' });
    const promoted = await auth.authenticate(`Bearer ${apiKey}`);
    expect(promoted.principal.scopes).toEqual(['bot']);
    expect(promoted.ability.can('create', 'Organization')).toBe(false);

    directory.update(IDS.bot, { role: 'nonsense' });
    const unknownRole = await auth.authenticate(`Bearer ${apiKey}`);
    expect(unknownRole.principal.scopes).toEqual([]);
    expect(unknownRole.ability.can('create', 'Message')).toBe(false);

    directory.update(IDS.bot, { role: 'bot', kind: 'user' });
    await expectCode(auth.authenticate(`Bearer ${apiKey}`), 'ERR_API_KEY_INVALID');
  });

  it('never lets a stored admin key act as admin once allowAdminApiKeys is off', async () => {
    const fixture = await setup({ allowAdminApiKeys: true });
    const { apiKey } = await fixture.auth.createApiKey(IDS.adminBot, ['admin']);
    const { createAuthService } = await import('./create-auth-service.js');
    const strict = createAuthService({
      directory: fixture.directory,
      store: fixture.store,
      keys: { algorithm: 'HS256', secret: 'k7Qp2vX9zL4mN8rT1wY6bH3jF5dS0aGc' },
    });
    const { principal, ability } = await strict.authenticate(`Bearer ${apiKey}`);
    expect(principal.scopes).toEqual(['bot']);
    expect(ability.can('create', 'Organization')).toBe(false);
  });
});

describe('authenticate with a store that has an ApiKeyCache (a local view, as @scopeladder/redis has)', () => {
  /** A plain cache honouring the contract: remembers unless the ticket is stale; counts what happens. */
  function mapCache() {
    const entries = new Map<string, unknown>();
    const log: string[] = [];
    let stamp = 1;
    return {
      entries,
      log,
      change: () => {
        stamp += 1;
        entries.clear();
      },
      cache: {
        ticket: () => {
          log.push('ticket');
          return stamp;
        },
        get: (digest: string) => {
          log.push('get');
          return entries.get(digest);
        },
        set: (ticket: number | null, digest: string, userId: string, value: unknown) => {
          log.push(`set:${userId}`);
          if (ticket === stamp) entries.set(digest, value);
        },
      },
    };
  }

  it('asks the cache first, takes the ticket before reading the key, and answers a remembered key without store or directory', async () => {
    const { directory, store: memory } = await setup();
    const view = mapCache();
    let findApiKey = 0;
    const store = {
      ...memory,
      findApiKey: (digest: string) => {
        view.log.push('findApiKey');
        findApiKey += 1;
        return memory.findApiKey(digest);
      },
      apiKeyCache: view.cache,
    };
    const { auth } = await setup({ store, directory });
    const created = await auth.createApiKey(IDS.bot, ['bot']);
    const first = await auth.authenticate(`Bearer ${created.apiKey}`);
    expect(view.log).toEqual(['get', 'ticket', 'findApiKey', `set:${IDS.bot}`]);
    const again = await auth.authenticate(`Bearer ${created.apiKey}`);
    expect(findApiKey).toBe(1);
    expect(again).toEqual(first);
    expect(again.principal).toBe(first.principal);

    // What the cache forgot (an event) is read again: a role change then shows.
    directory.update(IDS.bot, { role: 'guest' });
    view.change();
    expect((await auth.authenticate(`Bearer ${created.apiKey}`)).principal.scopes).toEqual(['guest']);
    expect(findApiKey).toBe(2);
  });

  it('ignores a remembered value that is not what the service stores, and refuses a deleted key whatever the cache held before', async () => {
    const { directory, store: memory } = await setup();
    const view = mapCache();
    const { auth } = await setup({ store: { ...memory, apiKeyCache: view.cache }, directory });
    const created = await auth.createApiKey(IDS.bot, ['bot']);
    const digest = createHash('sha256').update(created.apiKey).digest('hex');
    view.entries.set(digest, { principal: 'not a principal' });
    expect((await auth.authenticate(`Bearer ${created.apiKey}`)).principal.id).toBe(IDS.bot);
    expect(await auth.revokeApiKey(created.id)).toBe(true);
    view.change();
    await expectCode(auth.authenticate(`Bearer ${created.apiKey}`), 'ERR_API_KEY_INVALID');
    expect(view.entries.size).toBe(0);
  });

  it('never answers one service from what another service sharing the store remembered', async () => {
    const { directory, store: memory } = await setup();
    const view = mapCache();
    const store = { ...memory, apiKeyCache: view.cache };
    const { auth: loose } = await setup({ store, directory, allowAdminApiKeys: true });
    const { auth: strict } = await setup({ store, directory });
    const { apiKey } = await loose.createApiKey(IDS.adminBot, ['admin']);
    const looseResult = await loose.authenticate(`Bearer ${apiKey}`);
    expect(looseResult.principal.scopes).toEqual(['admin']);
    expect(view.entries.size).toBe(1);

    // The strict service shares the cache but must derive its own answer (no admin keys).
    const strictResult = await strict.authenticate(`Bearer ${apiKey}`);
    expect(strictResult.principal.scopes).toEqual(['bot']);
    expect(strictResult.ability.can('create', 'Organization')).toBe(false);
    // And the loose one is not handed the strict one's answer either.
    expect((await loose.authenticate(`Bearer ${apiKey}`)).principal.scopes).toEqual(['admin']);
  });
});
