import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineLadder, resolveRole, type Membership } from './index.js';

const memberships: Membership[] = [
  { organization: 'r1', path: 'r1', role: 'agent' },
  { organization: 'c1', path: 'r1#c1', role: 'admin' },
  { organization: 's2', role: 'guest' }, // no path: placed by id
];

describe('resolveRole: the nearest membership at or above the organization wins', () => {
  it.each([
    ['r1', 'agent'],
    ['r1#c1', 'admin'],
    ['r1#c1#s1', 'admin'],
    ['r1#c2', 'agent'],
    ['r1#c1#s2', 'guest'],
    ['r1#c2#s2', 'guest'],
    ['r2', null],
    ['r2#c1', null],
    ['r1#c10', 'agent'],
    ['', null],
    ['#r1', null],
    ['r1#', null],
    ['r1##c1', null],
  ])('%s → %s', (path, role) => {
    expect(resolveRole(memberships, path)).toBe(role);
  });

  it('ignores memberships that are malformed or whose path does not end with their organization', () => {
    const junk = [null, 5, {}, { organization: 'r1' }, { organization: 7, role: 'admin' }, { organization: 'c1', path: 'r1#c2', role: 'admin' }];
    expect(resolveRole(junk as never, 'r1#c1')).toBeNull();
    expect(resolveRole(junk as never, 'r1#c2')).toBeNull();
    expect(resolveRole('nope' as never, 'r1')).toBeNull();
    expect(resolveRole([{ organization: 'c1', path: 'r1##c1', role: 'admin' }], 'r1#c1')).toBeNull();
  });

  it('two memberships of the same organization: the lower role wins (unknown roles are lowest)', () => {
    expect(
      resolveRole(
        [
          { organization: 'c1', role: 'admin' },
          { organization: 'c1', role: 'agent' },
        ],
        'r1#c1',
      ),
    ).toBe('agent');
    expect(
      resolveRole(
        [
          { organization: 'c1', role: 'admin' },
          { organization: 'c1', role: 'root' },
        ],
        'r1#c1',
      ),
    ).toBe('root');
    const ladder = defineLadder(['low', 'high']);
    expect(
      resolveRole(
        [
          { organization: 'c1', role: 'high' },
          { organization: 'c1', role: 'low' },
        ],
        'r1#c1',
        { ladder },
      ),
    ).toBe('low');
  });

  it('a malformed organization path reaches no membership, even one placed by id', () => {
    const byId = [
      { organization: 'r1', role: 'agent' },
      { organization: 'c1', role: 'admin' },
    ] as Membership[];
    expect(resolveRole(byId, 'r1#c1')).toBe('admin');
    for (const path of ['#r1', 'r1#', '#r1#', 'r1##c1', '', 5, ['r1']]) expect(resolveRole(byId, path as never)).toBeNull();
  });

  it('a role that is not a string, or an organization not on the path, counts for nothing', () => {
    expect(resolveRole([{ organization: 'r1', path: 'r1', role: 5 }] as never, 'r1')).toBeNull();
    expect(resolveRole([{ organization: 'zz', role: 'no-such-role' }] as never, 'r1')).toBeNull();
  });

  it('a tie at the same depth: the lower role wins in any order; between unknown roles, the first', () => {
    const guest = { organization: 'r1', path: 'r1', role: 'guest' };
    const admin = { organization: 'r1', role: 'admin' };
    const mystery = { organization: 'r1', role: 'mystery' };
    expect(resolveRole([guest, admin] as never, 'r1')).toBe('guest');
    expect(resolveRole([admin, guest] as never, 'r1')).toBe('guest');
    expect(resolveRole([guest, mystery] as never, 'r1')).toBe('mystery');
    expect(resolveRole([mystery, { organization: 'r1', role: 'other' }] as never, 'r1')).toBe('mystery');
  });

  it('the nearest membership wins whatever the order of the list', () => {
    expect(resolveRole([...memberships].reverse(), 'r1#c1#s1')).toBe('admin');
    expect(resolveRole([...memberships].reverse(), 'r1')).toBe('agent');
  });

  it('a non-string organization or path counts for nothing (and never throws)', () => {
    expect(resolveRole([{ organization: 7, path: 'r1#7', role: 'admin' }] as never, 'r1#7')).toBeNull();
    expect(resolveRole([{ organization: '5', path: 5, role: 'admin' }] as never, '5#c1')).toBeNull();
  });

  it('a membership that is a function is not a membership', () => {
    const callable = Object.assign(() => undefined, { organization: 'r1', path: 'r1', role: 'admin' });
    expect(resolveRole([callable] as never, 'r1')).toBeNull();
  });

  it('another separator; a bad separator is a TypeError', () => {
    expect(resolveRole([{ organization: 'c1', path: 'r1/c1', role: 'bot' }], 'r1/c1/s1', { separator: '/' })).toBe('bot');
    for (const separator of ['ab', '', 'a', ['#'], 5]) {
      expect(() => resolveRole([], 'r1', { separator: separator as never })).toThrow(
        new TypeError('resolveRole: options.separator must be one printable ASCII punctuation character'),
      );
    }
  });

  it('property: equals the role of the deepest ancestor-or-self with a membership, path given or not', () => {
    const id = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(
        fc.array(id, { minLength: 1, maxLength: 3 }),
        fc.array(
          fc.record({
            depthOf: fc.array(id, { minLength: 1, maxLength: 3 }),
            role: fc.constantFrom('guest', 'agent', 'bot', 'admin'),
            withPath: fc.boolean(),
          }),
          { maxLength: 6 },
        ),
        (target, raw) => {
          const path = target.join('#');
          const list = raw.map(({ depthOf, role, withPath }) => ({
            organization: depthOf.at(-1) as string,
            role,
            ...(withPath ? { path: depthOf.join('#') } : {}),
          }));
          // The oracle: for each prefix of the target, from the deepest up, the memberships placed there.
          const rank = ['guest', 'agent', 'bot', 'admin'];
          let expected: string | null = null;
          for (let depth = target.length - 1; depth >= 0 && expected === null; depth--) {
            const prefix = target.slice(0, depth + 1).join('#');
            const here = list.filter((m) => (m.path === undefined ? (target as string[]).lastIndexOf(m.organization) === depth : m.path === prefix));
            if (here.length > 0) expected = here.map((m) => m.role).sort((x, y) => rank.indexOf(x) - rank.indexOf(y))[0] as string;
          }
          expect(resolveRole(list, path)).toBe(expected);
        },
      ),
    );
  });
});

describe('resolveRole with aliases', () => {
  it('answers a membership role that is an alias as its scope, ranked as it', () => {
    expect(resolveRole([{ organization: 'r1', role: 'viewer' }], 'r1')).toBe('guest');
    // Two memberships of one organization: the lower role wins; viewer is guest, lower than agent.
    expect(
      resolveRole(
        [
          { organization: 'r1', role: 'agent' },
          { organization: 'r1', role: 'viewer' },
        ],
        'r1',
      ),
    ).toBe('guest');
    const ladder = defineLadder(['reader', 'owner'] as const, { aliases: { viewer: 'reader' } });
    expect(resolveRole([{ organization: 'c1', path: 'r1#c1', role: 'viewer' }], 'r1#c1#s1', { ladder })).toBe('reader');
  });
});
