import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy } from '@scopeladder/core';
import { principal } from './principals.js';
import { action, resourceType, subjectInstance, target, unknownAction, unknownResourceType } from './subjects.js';

const guest = { id: '5f0c8a1e9b3d2c4a6e8f0a1b', scopes: ['guest'], organization: '5f0c8a1e9b3d2c4a6e8f0a1c' };

describe('vocabulary arbitraries', () => {
  it('action and resourceType: from the policy', () => {
    fc.assert(
      fc.property(
        action(chatshipperPolicy),
        resourceType(chatshipperPolicy),
        (a, r) => (chatshipperPolicy.actions as readonly string[]).includes(a) && (chatshipperPolicy.resources as readonly string[]).includes(r),
      ),
    );
  });

  it('unknownAction and unknownResourceType: never in the policy, CASL wildcards included', () => {
    fc.assert(fc.property(unknownAction(chatshipperPolicy), (a) => !(chatshipperPolicy.actions as readonly string[]).includes(a)));
    fc.assert(fc.property(unknownResourceType(chatshipperPolicy), (r) => !(chatshipperPolicy.resources as readonly string[]).includes(r)));
    expect(fc.sample(unknownAction(chatshipperPolicy), { numRuns: 500, seed: 4 })).toContain('manage');
    expect(fc.sample(unknownResourceType(chatshipperPolicy), { numRuns: 500, seed: 4 })).toContain('all');
  });

  it('subjectInstance: own records carry the principal id, others never do; both are tagged', () => {
    fc.assert(
      fc.property(subjectInstance('User', guest, 'own'), subjectInstance('User', guest, 'other'), (own, other) => {
        expect((own as { id: string }).id).toBe(guest.id);
        expect((other as { id: string }).id).not.toBe(guest.id);
        expect((other as { organization: string }).organization).toBe(guest.organization);
        expect(chatshipperPolicy.can(guest, 'fetch', own as never)).toBe(true);
        expect(chatshipperPolicy.can(guest, 'fetch', other as never)).toBe(false);
      }),
    );
  });

  it('target: a type, the own record or another, of a known resource', () => {
    fc.assert(
      fc.property(
        principal(chatshipperPolicy).chain((who) => fc.tuple(fc.constant(who), target(chatshipperPolicy, who))),
        ([who, t]) => {
          expect((chatshipperPolicy.resources as readonly string[]).includes(t.resource)).toBe(true);
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
