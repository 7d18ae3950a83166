import type { PolicyUnderTest } from '../policy-under-test.js';

/** Throws a `TypeError` when `policy` is not policy-like (internal). */
export function checkPolicy(assertion: string, policy: unknown): asserts policy is PolicyUnderTest {
  const fail = (what: string): never => {
    throw new TypeError(`${assertion}: expected a policy (from definePolicy or chatshipperPolicy); ${what}`);
  };
  if (typeof policy !== 'object' || policy === null) fail(`got ${policy === null ? 'null' : typeof policy}`);
  const p = policy as Partial<Record<keyof PolicyUnderTest, unknown>>;
  const ladder = p.ladder as { scopes?: unknown } | undefined;
  if (typeof ladder !== 'object' || ladder === null || !isStringArray(ladder.scopes)) fail('policy.ladder.scopes is not a string array');
  if ((ladder as { scopes: string[] }).scopes.length === 0) fail('policy.ladder.scopes is empty');
  if (!isStringArray(p.resources) || p.resources.length === 0) fail('policy.resources is not a non-empty string array');
  if (!isStringArray(p.actions) || p.actions.length === 0) fail('policy.actions is not a non-empty string array');
  if (typeof p.can !== 'function') fail('policy.can is not a function');
  for (const optional of ['canEvery', 'explain', 'abilityFor', 'rulesFor'] as const) {
    if (p[optional] !== undefined && typeof p[optional] !== 'function') fail(`policy.${optional} is not a function`);
  }
}

function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
