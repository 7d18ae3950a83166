import { describe, expect, it } from 'vitest';
import { toPublicUser } from './public-user.js';

describe('toPublicUser', () => {
  it('answers id, email, role, organization, kind and profile fields, never the hash', () => {
    const answer = toPublicUser({
      id: 'a'.repeat(24),
      email: 'ada@example.com',
      role: 'agent',
      kind: 'user',
      organization: 'o'.repeat(24),
      passwordHash: 'scrypt$secret',
      profile: { name: 'Ada' },
    });
    expect(answer).toEqual({
      name: 'Ada',
      id: 'a'.repeat(24),
      email: 'ada@example.com',
      role: 'agent',
      organization: 'o'.repeat(24),
      kind: 'user',
    });
  });

  it('lets no profile field override the record', () => {
    const answer = toPublicUser({
      id: 'a'.repeat(24),
      email: 'ada@example.com',
      role: 'guest',
      kind: 'user',
      organization: undefined,
      profile: { role: 'admin', id: 'x' },
    });
    expect(answer.role).toBe('guest');
    expect(answer.id).toBe('a'.repeat(24));
  });
});
