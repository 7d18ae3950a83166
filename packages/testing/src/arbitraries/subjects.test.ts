import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { principal } from './principals.js';
import { action, resourceType, subjectInstance, target, unknownAction, unknownResourceType } from './subjects.js';
import { chatshipperMatrixPolicy } from '../test-helpers/chatshipper-matrix-policy.js';

const guest = { id: '5f0c8a1e9b3d2c4a6e8f0a1b', scopes: ['guest'], organization: '5f0c8a1e9b3d2c4a6e8f0a1c' };

describe('vocabulary arbitraries', () => {
  it('action and resourceType: from the policy', () => {
    fc.assert(
      fc.property(
        action(chatshipperMatrixPolicy),
        resourceType(chatshipperMatrixPolicy),
        (a, r) =>
          (chatshipperMatrixPolicy.actions as readonly string[]).includes(a) && (chatshipperMatrixPolicy.resources as readonly string[]).includes(r),
      ),
    );
  });

  it('unknownAction and unknownResourceType: never in the policy, CASL wildcards included', () => {
    fc.assert(fc.property(unknownAction(chatshipperMatrixPolicy), (a) => !(chatshipperMatrixPolicy.actions as readonly string[]).includes(a)));
    fc.assert(
      fc.property(unknownResourceType(chatshipperMatrixPolicy), (r) => !(chatshipperMatrixPolicy.resources as readonly string[]).includes(r)),
    );
    expect(fc.sample(unknownAction(chatshipperMatrixPolicy), { numRuns: 500, seed: 4 })).toContain('manage');
    expect(fc.sample(unknownResourceType(chatshipperMatrixPolicy), { numRuns: 500, seed: 4 })).toContain('all');
  });

  it('subjectInstance: own records carry the principal id, others never do; both are tagged', () => {
    fc.assert(
      fc.property(subjectInstance('User', guest, 'own'), subjectInstance('User', guest, 'other'), (own, other) => {
        expect((own as { id: string }).id).toBe(guest.id);
        expect((other as { id: string }).id).not.toBe(guest.id);
        expect((other as { organization: string }).organization).toBe(guest.organization);
        expect(chatshipperMatrixPolicy.can(guest, 'fetch', own as never)).toBe(true);
        expect(chatshipperMatrixPolicy.can(guest, 'fetch', other as never)).toBe(false);
      }),
    );
  });

  it('target: a type, the own record or another, of a known resource', () => {
    fc.assert(
      fc.property(
        principal(chatshipperMatrixPolicy).chain((who) => fc.tuple(fc.constant(who), target(chatshipperMatrixPolicy, who))),
        ([who, t]) => {
          expect((chatshipperMatrixPolicy.resources as readonly string[]).includes(t.resource)).toBe(true);
          if (t.kind === 'type') expect(t.subject).toBe(t.resource);
          else expect((t.subject as { id: string }).id === who.id).toBe(t.kind === 'own');
        },
      ),
    );
  });

  it('misuse is a TypeError', () => {
    expect(() => action({ actions: [], resources: ['X'] })).toThrow(TypeError);
    expect(() => subjectInstance('User', guest, 'mine' as never)).toThrow(TypeError);
  });
});
