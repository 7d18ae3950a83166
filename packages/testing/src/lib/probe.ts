import { subject, type Principal } from '@scopeladder/core';
import type { PolicyUnderTest } from '../policy-under-test.js';
import { violation } from './run-property.js';

/** How a check names its subject: the bare type, the principal's own record, or someone else's. */
export type TargetKind = 'type' | 'own' | 'other';

/** One question to a policy, for a principal chosen later (internal). */
export interface Cell {
  readonly resource: string;
  readonly action: string;
  readonly kind: TargetKind;
  readonly field?: string | undefined;
}

/** Every (resource, action, kind, field) combination of a policy (internal). */
export function enumerateCells(
  policy: PolicyUnderTest,
  options: { readonly fields?: readonly string[] | undefined; readonly kinds?: readonly TargetKind[] | undefined } = {},
): Cell[] {
  const kinds = options.kinds ?? ['type', 'own', 'other'];
  const fields: (string | undefined)[] = [undefined, ...(options.fields ?? [])];
  const cells: Cell[] = [];
  for (const resource of policy.resources) {
    for (const action of policy.actions) {
      for (const kind of kinds) {
        for (const field of fields) cells.push(field === undefined ? { resource, action, kind } : { resource, action, kind, field });
      }
    }
  }
  return cells;
}

/** The organization the invariants place their principals in when the policy has tenancy (internal). */
export const PROBE_ORGANIZATION = 'c1';

/**
 * The principal as the invariants probe it: with tenancy, acting in organization
 * {@link PROBE_ORGANIZATION} (path `r1<separator>c1`) unless it already names an
 * `organizationPath`, so that the matrix, not the missing organization, decides. Tenant isolation
 * itself is `assertTenantIsolation`'s (internal).
 */
export function inOrganization(policy: PolicyUnderTest, principal: Principal): Principal {
  const tenancy = policy.tenancy;
  if (typeof tenancy !== 'object' || tenancy === null || 'organizationPath' in principal) return principal;
  return { ...principal, organization: PROBE_ORGANIZATION, organizationPath: `r1${tenancy.separator}${PROBE_ORGANIZATION}` };
}

/**
 * The subject of a check: a type string, or a fresh instance tagged with CASL's `subject()`.
 * Both instances carry the principal's organization (when it has one) and, when the policy has
 * tenancy, its organization path in the type's path field, so only the id tells "own" from
 * "other" (internal).
 */
export function targetOf(resource: string, kind: TargetKind, principal: Principal, otherId: string, policy?: PolicyUnderTest): string | object {
  if (kind === 'type') return resource;
  const organization = typeof principal.organization === 'string' ? { organization: principal.organization } : {};
  const field = policy?.tenancy?.fieldByType[resource];
  const path = typeof field === 'string' && typeof principal.organizationPath === 'string' ? { [field]: principal.organizationPath } : {};
  return subject(resource, { id: kind === 'own' ? principal.id : otherId, ...organization, ...path });
}

/** Asks `policy.can`, turning a throw or a non-boolean answer into a violation (internal). */
export function decide(policy: PolicyUnderTest, principal: Principal, cell: Cell, otherId: string): boolean {
  const target = targetOf(cell.resource, cell.kind, principal, otherId, policy);
  let answer: unknown;
  try {
    answer = cell.field === undefined ? policy.can(principal, cell.action, target) : policy.can(principal, cell.action, target, cell.field);
  } catch (error) {
    violation(`policy.can threw on ${describeCheck(principal, cell, otherId)}: ${describeError(error)}. A decision must deny, never throw.`);
  }
  if (typeof answer !== 'boolean') {
    violation(`policy.can answered ${show(answer)} (not a boolean) on ${describeCheck(principal, cell, otherId)}.`);
  }
  return answer;
}

/** Calls `fn`, turning a throw into a violation that names `what` (internal). */
export function attempt<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    return violation(`${what} threw: ${describeError(error)}.`);
  }
}

/** `principal { id: "…", scopes: [...] }` (internal). */
export function describePrincipal(principal: Principal): string {
  return `principal { id: ${show(principal.id)}, scopes: ${show(principal.scopes)} }`;
}

/** `update User#"…" (another's record) field "role"` (internal). */
export function describeCell(cell: Cell, principal: Principal, otherId: string): string {
  const type = name(cell.resource);
  const target =
    cell.kind === 'type'
      ? `${type} (type)`
      : cell.kind === 'own'
        ? `${type} ${show(principal.id)} (its own record)`
        : `${type} ${show(otherId)} (another's record)`;
  return `${show(cell.action)} on ${target}${cell.field === undefined ? '' : ` field ${show(cell.field)}`}`;
}

/** Principal and cell together (internal). */
export function describeCheck(principal: Principal, cell: Cell, otherId: string): string {
  return `${describePrincipal(principal)} doing ${describeCell(cell, principal, otherId)}`;
}

/** A resource name as is when it is a plain identifier, else quoted (internal). */
export function name(value: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(value) ? value : show(value);
}

/** A JSON-ish rendering safe for any value (internal). */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : show(error);
}
