// Public entry point of @scopeladder/core. Types are exported explicitly with `export type`.
export { ERROR_CODES, ScopeladderError, isScopeladderError } from './errors.js';
export type { ErrorCode, DenialContext, ErrorEndpoint, ScopeladderErrorOptions } from './errors.js';
export { HTTP_ERROR_TABLE, OAUTH_ERROR_TABLE, formatBearerChallenge, httpErrorFor } from './http-error.js';
export type {
  BearerErrorValue,
  HttpErrorBody,
  HttpErrorOptions,
  HttpErrorResult,
  HttpErrorRule,
  OAuthErrorRule,
  OAuthErrorValue,
} from './http-error.js';
export type { Principal } from './principal.js';

export { defineLadder } from './define-ladder.js';
export type { DefineLadderOptions, Ladder } from './define-ladder.js';
export { DEFAULT_MAX_SCOPE_LENGTH, parseScope } from './parse-scope.js';
export type { ParseScopeOptions, ParseScopeResult } from './parse-scope.js';
export { formatScope } from './format-scope.js';
export type { FormatScopeOptions } from './format-scope.js';
export { checkFieldName } from './check-field-name.js';
export { describeFieldNameProblem } from './describe-field-name-problem.js';
export type { FieldNameProblem } from './check-field-name.js';
export { DEFAULT_ABILITY_CACHE_SIZE, definePolicy } from './define-policy.js';
export type { PolicyDefinition, TenancyOptions } from './define-policy.js';
export { resolveRole } from './resolve-role.js';
export type { Membership, ResolveRoleOptions } from './resolve-role.js';
export type {
  Decision,
  DecisionReason,
  DecisionRow,
  ExplainOptions,
  FieldRule,
  FieldRules,
  ListFilter,
  ListFilterAll,
  ListFilterCondition,
  ListFilterNone,
  Matrix,
  MatrixAction,
  MatrixCell,
  MatrixResource,
  Policy,
  PolicyAbility,
  PolicyRawRule,
  PolicyTarget,
  PolicyTenancy,
  RequiredScopeOptions,
  RulesForOptions,
  SelfCell,
  SubjectInstance,
} from './policy-types.js';
export { chatshipperAliases, chatshipperLadder, chatshipperScopes } from './chatshipper-ladder.js';
export type { ChatShipperScope } from './chatshipper-ladder.js';
export { chatshipperFields, chatshipperMatrix, chatshipperPolicy, chatshipperTenancy, chatshipperTenantPolicy } from './chatshipper.js';
export type { ChatShipperAction, ChatShipperPolicy, ChatShipperResource } from './chatshipper.js';
export { renderDecisionTable } from './render-decision-table.js';
export type { RenderDecisionTableOptions } from './render-decision-table.js';

// CASL, re-exported so callers tag instances and load rules with the same copy core uses.
export { createMongoAbility, subject } from '@casl/ability';
export { permittedFieldsOf } from '@casl/ability/extra';
export type { ForcedSubject, MongoAbility, MongoQuery, RawRuleOf } from '@casl/ability';
export type { PermittedFieldsOptions } from '@casl/ability/extra';
