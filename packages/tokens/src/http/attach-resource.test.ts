import { chatshipperTenantPolicy, type Principal } from '@scopeladder/core';
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../service-types.js';
import { attachListFilter } from './attach-list-filter.js';
import { attachResource } from './attach-resource.js';

const principal: Principal = { id: 'u1', scopes: ['agent'], organization: 'c1', organizationPath: 'r1#c1' };
const auth: AuthContext = { principal, ability: chatshipperTenantPolicy.abilityFor(principal), token: { kind: 'apiKey', keyId: 'k1' } };

describe('attachResource', () => {
  it('copies the auth with the record, keeping its filter, and leaves the original unchanged', () => {
    const base = attachListFilter(auth);
    const record = { id: 'k1', organizationPath: 'r1#c1' };
    const withRecord = attachResource(base, record);
    expect(withRecord).toEqual({ ...base, resource: record });
    expect(withRecord.resource).toBe(record);
    expect(withRecord.filter).toBe(base.filter);
    expect(withRecord.filter.kind).toBe('none');
    expect(base).not.toHaveProperty('resource');
    expect(auth).not.toHaveProperty('filter');
  });
});
