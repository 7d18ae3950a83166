import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chatshipperLadder,
  chatshipperMatrix,
  chatshipperTenantPolicy,
  defineLadder,
  definePolicy,
  formatScope,
  parseScope,
  subject,
  type Principal,
} from './index.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

// An alias never adds power: holding it is holding its scope, exactly — whatever else is held,
// whichever ladder, in every reading (the ladder, parseScope, the policy's decisions).

const resources = Object.keys(chatshipperMatrix) as (keyof typeof chatshipperMatrix)[];
const TOKENS = ['viewer', 'guest', 'agent', 'bot', 'admin', 'Viewer', 'viewers', 'x:read', '__proto__', 'constructor'];
const held = fc.array(fc.constantFrom(...TOKENS), { maxLength: 5 });
const canonicalOf = (tokens: readonly string[]): string[] => tokens.map((token) => chatshipperLadder.canonical(token) ?? token);

describe('ladder aliases never add power', () => {
  it('ChatShipper: a principal holding viewer (with anything else) may do exactly what the same principal holding guest may', () => {
    fc.assert(
      fc.property(held, fc.boolean(), (scopes, own) => {
        const id = '5f0c8a1e9b3d2c4a6e8f0a1b';
        const withAlias: Principal = { id, scopes, organization: 'c1', organizationPath: 'r1#c1' };
        const canonical: Principal = { ...withAlias, scopes: canonicalOf(scopes) };
        for (const policy of [chatshipperMatrixPolicy, chatshipperTenantPolicy]) {
          for (const resource of resources) {
            for (const action of Object.keys(chatshipperMatrix[resource]) as never[]) {
              const target = own ? subject(resource, { id, organizationPath: 'r1#c1' }) : resource;
              expect(policy.can(withAlias, action, target as never)).toBe(policy.can(canonical, action, target as never));
            }
          }
        }
        expect(chatshipperLadder.highestRank(scopes)).toBe(chatshipperLadder.highestRank(canonicalOf(scopes)));
      }),
    );
  });

  it('any ladder: an alias ranks as its scope, parses as its scope, and the expanded string with aliases reads back the same highest scope', () => {
    const ladderAndAliases = fc.uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 5 }).chain((scopes) =>
      fc.record({
        scopes: fc.constant(scopes),
        aliases: fc.dictionary(fc.stringMatching(/^[A-Z][a-z]{0,5}$/), fc.constantFrom(...scopes), { maxKeys: 4 }),
      }),
    );
    fc.assert(
      fc.property(ladderAndAliases, fc.array(fc.nat(), { maxLength: 6 }), ({ scopes, aliases }, picks) => {
        const ladder = defineLadder(scopes, { aliases });
        const names = [...scopes, ...Object.keys(aliases), 'unknown-token'];
        const tokens = [...new Set(picks.map((pick) => names[pick % names.length] as string))];
        const canonical = tokens.map((token) => ladder.canonical(token) ?? token);
        expect(ladder.highestRank(tokens)).toBe(ladder.highestRank(canonical));
        for (const [alias, scope] of Object.entries(aliases)) {
          expect(ladder.rank(alias)).toBe(ladder.rank(scope));
          expect(ladder.has(alias)).toBe(false);
          expect(ladder.expand(alias)).toEqual(ladder.expand(scope));
        }
        if (tokens.length > 0) {
          const parsed = parseScope(formatScope(tokens), { ladder });
          expect(parsed.highest).toBe(ladder.highest(canonical));
          expect(parsed.scopes.every((scope) => ladder.has(scope))).toBe(true);
        }
        const top = ladder.highest(canonical);
        if (top !== null) {
          const written = formatScope([top], { ladder, expand: true, aliases: true });
          expect(parseScope(written, { ladder }).highest).toBe(top);
          expect(parseScope(written, { ladder }).scopes).toEqual(ladder.expand(top));
        }
        // And a policy over the ladder: holding an alias is holding its scope.
        const policy = definePolicy({ scopes, aliases, matrix: { Doc: Object.fromEntries(scopes.map((scope) => [`do_${scope}`, scope])) } } as never);
        for (const scope of scopes) {
          const action = `do_${scope}` as never;
          expect(policy.can({ id: 'a', scopes: tokens }, action, 'Doc' as never)).toBe(
            policy.can({ id: 'a', scopes: canonical }, action, 'Doc' as never),
          );
        }
      }),
    );
  });
});
