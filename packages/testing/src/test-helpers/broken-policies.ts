// Deliberately broken policies for the package's own tests: each invariant must catch its bug.
// Not exported from the package.
import { chatshipperPolicy, createMongoAbility, subject, type Principal } from '@scopeladder/core';
import type { PolicyUnderTest } from '../policy-under-test.js';
import { chatshipperMatrixPolicy } from './chatshipper-matrix-policy.js';

type Target = string | object;

/** The ChatShipper matrix (without tenancy) as a plain object, with some members replaced. */
export function wrapPolicy(overrides: Partial<PolicyUnderTest> = {}): PolicyUnderTest {
  const base = chatshipperMatrixPolicy as unknown as Required<PolicyUnderTest>;
  return {
    ladder: base.ladder,
    resources: base.resources,
    actions: base.actions,
    can: (principal, action, target, field) => base.can(principal, action, target, field),
    canEvery: (principal, action, type) => base.canEvery(principal, action, type),
    explain: (principal, action, target, field) => base.explain(principal, action, target, field),
    abilityFor: (principal) => base.abilityFor(principal),
    rulesFor: (principal) => base.rulesFor(principal),
    protectedFields: (action, type) => base.protectedFields(action, type),
    ...overrides,
  };
}

const base = chatshipperMatrixPolicy as unknown as Required<PolicyUnderTest>;

function typeOf(target: Target): string | undefined {
  if (typeof target === 'string') return target;
  return (target as { __caslSubjectType__?: string }).__caslSubjectType__;
}

/** Admins may no longer create forms, though bots may: a higher scope loses a permission. */
export const nonMonotone = wrapPolicy({
  can: (principal, action, target, field) =>
    principal.scopes.includes('admin') && action === 'create' && typeOf(target) === 'Form' ? false : base.can(principal, action, target, field),
});

/** Admins get CASL's `manage all`: every unknown action and resource is allowed to them. */
const manageAll = createMongoAbility([{ action: 'manage', subject: 'all' }]);
export const adminManagesAll = wrapPolicy({
  can: (principal, action, target, field) =>
    principal.scopes.includes('admin') ? manageAll.can(action, target as never, field) : base.can(principal, action, target, field),
});

/** A principal without any known scope is treated as a guest. */
export const guestByDefault = wrapPolicy({
  can: (principal, action, target, field) =>
    base.can(
      principal.scopes.some((scope) => base.ladder.scopes.includes(scope)) ? principal : { ...principal, scopes: ['guest'] },
      action,
      target,
      field,
    ),
});

/** Throws on an action it does not know instead of denying. */
export const throwsOnUnknownAction = wrapPolicy({
  can: (principal, action, target, field) => {
    if (!base.actions.includes(action)) throw new Error(`no such action: ${action}`);
    return base.can(principal, action, target, field);
  },
});

/** Matches scopes case-insensitively and trims them: `Admin`, ` admin` grant admin. */
export const looseScopes = wrapPolicy({
  can: (principal, action, target, field) =>
    base.can({ ...principal, scopes: principal.scopes.map((scope) => scope.trim().toLowerCase()) }, action, target, field),
});

/** Splits scope elements on whitespace: `"guest admin"` grants admin. */
export const splitsScopes = wrapPolicy({
  can: (principal, action, target, field) =>
    base.can({ ...principal, scopes: principal.scopes.flatMap((scope) => scope.split(/\s+/)) }, action, target, field),
});

/** Compares ids loosely in the self rule: `ABC`, ` abc` count as the principal's own record. */
export const looseSelf = wrapPolicy({
  can: (principal, action, target, field) => {
    if (typeof target === 'string') return base.can(principal, action, target, field);
    const id = (target as { id?: unknown }).id;
    const looksLikeMe = typeof id === 'string' && id.trim().toLowerCase() === principal.id.toLowerCase();
    const normalised = Object.assign(Object.create(Object.getPrototypeOf(target) as object) as object, target, {
      id: looksLikeMe ? principal.id : id,
    });
    Object.defineProperty(normalised, '__caslSubjectType__', { value: typeOf(target) });
    return base.can(principal, action, normalised, field);
  },
});

/** The guest's "(self)" rows have lost their condition: a guest fetches and updates any user. */
export const selfWithoutCondition = wrapPolicy({
  can: (principal, action, target, field) =>
    typeOf(target) === 'User' && (action === 'fetch' || action === 'update') && field === undefined && principal.scopes.includes('guest')
      ? true
      : base.can(principal, action, target, field),
});

/** `can` is right, but the CASL ability route guards use has an unconditional self rule. */
export const abilityWithoutCondition = wrapPolicy({
  abilityFor: (principal) => ({
    can: (action: string, target: Target, field?: string) =>
      typeOf(target) === 'User' && action === 'fetch' && principal.scopes.includes('guest') ? true : base.can(principal, action, target, field),
  }),
});

/** One-entry memo keyed by id only: the answer depends on who asked before. */
export function memoById(): PolicyUnderTest {
  let last: Principal | undefined;
  return wrapPolicy({
    can: (principal, action, target, field) => {
      if (last?.id !== principal.id) last = principal;
      return base.can(last, action, target, field);
    },
  });
}

/** Only the first scope counts: the answer depends on the order of the scopes. */
export const firstScopeOnly = wrapPolicy({
  can: (principal, action, target, field) => base.can({ ...principal, scopes: principal.scopes.slice(0, 1) }, action, target, field),
});

/** `explain` ignores the self rule: it disagrees with `can` on one's own record. */
export const explainDisagrees = wrapPolicy({
  explain: (principal, action, target, field) => ({
    allowed: typeof target === 'string' ? base.can(principal, action, target, field) : base.canEvery(principal, action, typeOf(target) ?? ''),
  }),
});

/** Every 500th answer is flipped. */
export function flaky(): PolicyUnderTest {
  let calls = 0;
  return wrapPolicy({
    can: (principal, action, target, field) => {
      calls += 1;
      const answer = base.can(principal, action, target, field);
      return calls % 500 === 0 ? !answer : answer;
    },
  });
}

/** The rules carry a RegExp condition: JSON turns it into `{}`. */
export const regexpRules = wrapPolicy({
  rulesFor: (principal) => [...base.rulesFor(principal), { action: 'fetch', subject: 'Contact', conditions: { email: /@example\.com$/ } }],
});

/** The rules sent to the browser lose every conditional rule (the "(self)" rows and field rules). */
export const unconditionalRulesOnly = wrapPolicy({
  rulesFor: (principal) => base.rulesFor(principal).filter((rule) => (rule as { conditions?: unknown }).conditions === undefined),
});

const tenant = chatshipperPolicy as unknown as Required<PolicyUnderTest>;

/** The ChatShipper tenant policy as a plain object, with some members replaced. */
export function wrapTenantPolicy(overrides: Partial<PolicyUnderTest> = {}): PolicyUnderTest {
  return {
    ladder: tenant.ladder,
    resources: tenant.resources,
    actions: tenant.actions,
    tenancy: tenant.tenancy,
    can: (principal, action, target, field) => tenant.can(principal, action, target, field),
    canEvery: (principal, action, type) => tenant.canEvery(principal, action, type),
    explain: (principal, action, target, field) => tenant.explain(principal, action, target, field),
    abilityFor: (principal) => tenant.abilityFor(principal),
    rulesFor: (principal) => tenant.rulesFor(principal),
    filterFor: (principal, action, type) => tenant.filterFor(principal, action, type),
    ...overrides,
  };
}

/** Reach by a bare prefix test: a principal in `o1` reaches `o10` and `o1x`. */
export const prefixWithoutSeparator = wrapTenantPolicy({
  can: (principal, action, target, field) => {
    const type = typeOf(target);
    if (typeof target === 'string' || type === undefined) return tenant.can(principal, action, target, field);
    const key = (tenant.tenancy as { fieldByType: Record<string, string> }).fieldByType[type] as string;
    const value = (target as Record<string, unknown>)[key];
    const mine = principal.organizationPath as string;
    const loose = (v: unknown) => (typeof v === 'string' && v.startsWith(mine) ? mine : v);
    const rewritten = { ...(target as object), [key]: Array.isArray(value) ? value.map(loose) : loose(value) };
    return tenant.can(principal, action, subject(type, rewritten), field);
  },
});

/** The checks are right, but the list filter of admins is "everything": a list leaks every tenant. */
export const leakyFilter = wrapTenantPolicy({
  filterFor: (principal, action, type) =>
    principal.scopes.includes('admin') ? { kind: 'all', matches: () => true } : tenant.filterFor(principal, action, type),
});

/** The ChatShipper matrix without tenancy, claiming the tenant policy's tenancy: everything is in reach. */
export const tenancyIgnored = wrapPolicy({ tenancy: tenant.tenancy });
