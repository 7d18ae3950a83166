// Every contender of the decision suite, in the order of the result tables.
import type { DecisionImplementation } from '../model.js';
import { createAccessControl } from './accesscontrol.js';
import { createCasbin } from './casbin.js';
import { createCasl } from './casl.js';
import { createLookupTable } from './lookup-table.js';
import { createScopeladderAbility, createScopeladderPolicy } from './scopeladder.js';

export { createBaseline } from './baseline.js';

/** The implementations that answer the matrix (the baseline is separate: it answers nothing). */
export async function createImplementations(): Promise<DecisionImplementation[]> {
  return [createScopeladderAbility(), createScopeladderPolicy(), createCasl(), await createCasbin(), createAccessControl(), createLookupTable()];
}
