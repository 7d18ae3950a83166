import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy, chatshipperTenantPolicy, definePolicy } from '@scopeladder/core';
import { arbitraries } from './arbitraries/index.js';
import { isWithin } from './arbitraries/organizations.js';
import { assertTenantIsolation } from './assert-tenant-isolation.js';
import { leakyFilter, prefixWithoutSeparator, tenancyIgnored } from './test-helpers/broken-policies.js';
import { expectViolation } from './test-helpers/expect-violation.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

describe('assertTenantIsolation', () => {
  it('passes on the ChatShipper tenant policy', () => {
    expect(() => assertTenantIsolation(chatshipperTenantPolicy, { numRuns: 300 })).not.toThrow();
  });

  it('passes on any policy definePolicy accepts, with tenancy', () => {
    fc.assert(
      fc.property(arbitraries.policyDefinition(), fc.integer(), (definition, seed) => {
        assertTenantIsolation(definePolicy({ ...(definition as object), tenancy: { separator: '/' } } as never), { numRuns: 10, seed });
      }),
      { numRuns: 30 },
    );
  });

  it('fails when reach is a bare prefix test (o1 reaches o10)', () => {
    const error = expectViolation('assertTenantIsolation', () => assertTenantIsolation(prefixWithoutSeparator, { numRuns: 500 }));
    expect(error.violation).toContain("outside the principal's subtree");
  });

  it('fails when only the list filter leaks', () => {
    const error = expectViolation('assertTenantIsolation', () => assertTenantIsolation(leakyFilter, { numRuns: 500 }));
    expect(error.violation).toContain('filterFor(p)');
  });

  it('fails when tenancy is ignored', () => {
    expectViolation('assertTenantIsolation', () => assertTenantIsolation(tenancyIgnored));
  });

  it('refuses a policy without tenancy (TypeError)', () => {
    expect(() => assertTenantIsolation(chatshipperMatrixPolicy)).toThrow(TypeError);
  });
});

describe('organization arbitraries', () => {
  it('trees: depth ≤ 3, parents first, paths are the ids from the root down', () => {
    fc.assert(
      fc.property(arbitraries.organizationTree(), (tree) => {
        const byId = new Map(tree.map((org) => [org.id, org]));
        for (const org of tree) {
          expect(org.level).toBeLessThanOrEqual(3);
          const parent = org.parent === null ? undefined : byId.get(org.parent);
          expect(org.path).toBe(parent === undefined ? org.id : `${parent.path}#${org.id}`);
          expect(org.level).toBe(parent === undefined ? 1 : parent.level + 1);
          expect(isWithin(tree, org.id, tree.find((o) => o.path === org.path.split('#')[0])?.id as string)).toBe(true);
        }
      }),
    );
    expect(() => arbitraries.organizationTree({ maxDepth: 4 })).toThrow(TypeError);
  });

  it('memberships and principals stay inside the tree', () => {
    fc.assert(
      fc.property(
        arbitraries
          .organizationTree()
          .chain((tree) =>
            fc.tuple(fc.constant(tree), arbitraries.memberships(tree, chatshipperPolicy), arbitraries.tenantPrincipal(tree, chatshipperPolicy)),
          ),
        ([tree, memberships, principal]) => {
          for (const m of memberships) expect(tree.find((o) => o.id === m.organization)?.path).toBe(m.path);
          expect(tree.find((o) => o.id === principal.organization)?.path).toBe(principal.organizationPath);
        },
      ),
    );
  });
});
