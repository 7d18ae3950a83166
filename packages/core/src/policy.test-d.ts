// Type-level tests: checked by `vitest` (typecheck mode) and by the root `tsc -p tsconfig.json`.
import { describe, expectTypeOf, it } from 'vitest';
import {
  chatshipperLadder,
  chatshipperPolicy,
  definePolicy,
  defineLadder,
  parseScope,
  subject,
  type ChatShipperAction,
  type ChatShipperResource,
  type ChatShipperScope,
  type Decision,
  type Ladder,
  type ParseScopeResult,
  type Policy,
  type PolicyAbility,
} from './index.js';

const principal = { id: 'u1', scopes: ['guest'] };

describe('types', () => {
  it('derives Action, Resource and Scope from the as-const matrix', () => {
    expectTypeOf<ChatShipperAction>().toEqualTypeOf<'list' | 'fetch' | 'create' | 'update' | 'delete'>();
    expectTypeOf<ChatShipperScope>().toEqualTypeOf<'guest' | 'agent' | 'bot' | 'admin'>();
    expectTypeOf<ChatShipperResource>().toEqualTypeOf<
      'Organization' | 'OrganizationGroup' | 'User' | 'Conversation' | 'Message' | 'Contact' | 'KnowledgeItem' | 'Form' | 'Service'
    >();
  });

  it('rejects typos in actions, resources and subject tags at compile time', () => {
    chatshipperPolicy.can(principal, 'fetch', 'User');
    chatshipperPolicy.can(principal, 'fetch', subject('User', { id: 'u1' }), 'email');
    // @ts-expect-error 'fecth' is not an action
    chatshipperPolicy.can(principal, 'fecth', 'User');
    // @ts-expect-error 'Usr' is not a resource
    chatshipperPolicy.can(principal, 'fetch', 'Usr');
    // @ts-expect-error an instance tagged with an unknown resource
    chatshipperPolicy.can(principal, 'fetch', subject('Usr', { id: 'u1' }));
    // @ts-expect-error 'fecth' is not an action
    chatshipperPolicy.canEvery(principal, 'fecth', 'User');
    // @ts-expect-error 'fecth' is not an action
    chatshipperPolicy.authorize(principal, 'fecth', 'User');
    // @ts-expect-error 'fecth' is not an action
    chatshipperPolicy.abilityFor(principal).can('fecth', 'User');
    // @ts-expect-error 'Usr' is not a resource
    chatshipperPolicy.requiredScope('fetch', 'Usr');
  });

  it('types answers with the ladder scopes', () => {
    expectTypeOf(chatshipperPolicy.explain(principal, 'fetch', 'User')).toEqualTypeOf<Decision<ChatShipperScope>>();
    expectTypeOf(chatshipperPolicy.requiredScope('fetch', 'User')).toEqualTypeOf<ChatShipperScope | null>();
    expectTypeOf(chatshipperPolicy.decisionTable()[0]!.allowed.bot).toEqualTypeOf<boolean>();
    expectTypeOf(chatshipperPolicy.abilityFor(principal)).toEqualTypeOf<PolicyAbility<ChatShipperAction, ChatShipperResource>>();
    expectTypeOf(parseScope('bot')).toEqualTypeOf<ParseScopeResult<ChatShipperScope>>();
    const ladder = defineLadder(['read', 'write'] as const);
    expectTypeOf(parseScope('read', { ladder }).scopes).toEqualTypeOf<readonly ('read' | 'write')[]>();
  });

  it('makes any specific policy and ladder assignable to the plain types (what adapters store)', () => {
    const generic: Policy = chatshipperPolicy;
    const custom = definePolicy({ scopes: ['a', 'b'], matrix: { Doc: { read: 'a', write: { any: 'b', self: 'a' } } } });
    const alsoGeneric: Policy = custom;
    const ladder: Ladder = chatshipperLadder;
    expectTypeOf(generic.can).parameter(1).toEqualTypeOf<string>();
    expectTypeOf(alsoGeneric.resources).toEqualTypeOf<readonly string[]>();
    expectTypeOf(ladder.highest(['x'])).toEqualTypeOf<string | null>();
    expectTypeOf(custom.actions).toEqualTypeOf<readonly ('read' | 'write')[]>();
  });

  it('checks matrix cells and field rules against the definition', () => {
    // @ts-expect-error 'c' is not one of the scopes
    definePolicy({ scopes: ['a', 'b'], matrix: { Doc: { read: 'c' } } });
    // @ts-expect-error a self cell needs `self`
    definePolicy({ scopes: ['a', 'b'], matrix: { Doc: { read: { any: 'b' } } } });
    definePolicy({
      scopes: ['a', 'b'],
      matrix: { Doc: { read: { any: 'b', self: 'a' } } },
      // @ts-expect-error 'Dco' is not a resource of the matrix
      fields: { Dco: { read: { protected: ['x'] } } },
    });
  });
});
