import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy, createMongoAbility, definePolicy } from '@scopeladder/core';
import { arbitraries } from './arbitraries/index.js';
import { assertRulesSurviveJson } from './assert-rules-survive-json.js';
import { regexpRules, unconditionalRulesOnly, wrapPolicy } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';

describe('assertRulesSurviveJson', () => {
  it('passes on the ChatShipper policy', () => {
    expect(() => assertRulesSurviveJson(chatshipperPolicy)).not.toThrow();
  });

  it('passes on any policy definePolicy accepts', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
        assertRulesSurviveJson(definePolicy(definition as never), { numRuns: 10, seed });
      }),
      { numRuns: 40 },
    );
  });

  it('fails when the rules are not plain JSON (a RegExp condition)', () => {
    const error = expectViolation('assertRulesSurviveJson', () => assertRulesSurviveJson(regexpRules));
    expect(error.violation).toMatch(/is not plain JSON: rules\[\d+\]\.conditions\.email is a RegExp/);
  });

  it('fails when the rules sent to the browser lose the conditional rules', () => {
    const error = expectViolation('assertRulesSurviveJson', () => assertRulesSurviveJson(unconditionalRulesOnly));
    expect(error.violation).toContain('but an ability built from its JSON rules answers');
  });

  it('fails when rulesFor does not return an array', () => {
    const broken = wrapPolicy({ rulesFor: () => ({ rules: [] }) as never });
    expect(expectViolation('assertRulesSurviveJson', () => assertRulesSurviveJson(broken)).violation).toContain('not an array');
  });

  it('uses options.createAbility to build the client ability', () => {
    let built = 0;
    assertRulesSurviveJson(chatshipperPolicy, {
      numRuns: 5,
      createAbility: (rules) => {
        built += 1;
        return createMongoAbility(rules as never);
      },
    });
    expect(built).toBe(5);
    const error = expectViolation('assertRulesSurviveJson', () =>
      assertRulesSurviveJson(chatshipperPolicy, { createAbility: () => ({ can: () => true }) }),
    );
    expect(error.violation).toContain('answers true');
  });

  it('needs rulesFor', () => {
    const { rulesFor: _, ...withoutRules } = wrapPolicy();
    expect(() => assertRulesSurviveJson(withoutRules)).toThrow(/has no rulesFor/);
  });
});
