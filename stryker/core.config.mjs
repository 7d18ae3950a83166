import { strykerConfig } from './base.config.mjs';

// The security-critical files of @scopeladder/core: every file whose mutants change who is allowed
// what. In scope: every decision (decide, policy, ladder-ability), the rules CASL gets
// (compile-policy), tenant isolation (tenancy) and list filters (filter), the checks that refuse a
// bad definition (definition-checks: a prototype key or a non-plain object let through is a hole),
// the role a membership gives (resolve-role: the wrong tie-break is a privilege escalation), the
// scope parser, the field-name checks and the one HTTP error table.
// Not in scope: types, barrels, rendering (render-decision-table), error classes, the ChatShipper
// example ladder's data.
// Equivalent mutants (no observable behaviour change) are listed with their justification in
// docs/testing.md.
export default strykerConfig('core', [
  'packages/core/src/lib/decide.ts',
  'packages/core/src/lib/compile-policy.ts',
  'packages/core/src/lib/policy.ts',
  'packages/core/src/lib/ladder-ability.ts',
  'packages/core/src/lib/tenancy.ts',
  'packages/core/src/lib/filter.ts',
  'packages/core/src/lib/definition-checks.ts',
  'packages/core/src/lib/field-name-check.ts',
  'packages/core/src/lib/field-name-skeleton.ts',
  'packages/core/src/check-field-name.ts',
  'packages/core/src/resolve-role.ts',
  'packages/core/src/parse-scope.ts',
  'packages/core/src/http-error.ts',
]);
