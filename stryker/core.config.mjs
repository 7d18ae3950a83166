import { strykerConfig } from './base.config.mjs';

// The security-critical files of @scopeladder/core: every decision, the rules CASL gets, the scope
// parser, the field-name checks and the one HTTP error table.
export default strykerConfig('core', [
  'packages/core/src/lib/decide.ts',
  'packages/core/src/lib/compile-policy.ts',
  'packages/core/src/lib/policy.ts',
  'packages/core/src/lib/ladder-ability.ts',
  'packages/core/src/lib/field-name-check.ts',
  'packages/core/src/lib/field-name-skeleton.ts',
  'packages/core/src/check-field-name.ts',
  'packages/core/src/parse-scope.ts',
  'packages/core/src/http-error.ts',
]);
