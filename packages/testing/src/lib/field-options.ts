import type { PolicyUnderTest } from '../policy-under-test.js';
import { PROTECTED_FIELDS } from './defaults.js';

/**
 * Reads a `fields` option. Default: `DEFAULT_PROTECTED_FIELDS` plus every field the policy
 * declares protected (`policy.protectedFields`, when it has it), in a stable order (internal).
 */
export function fieldsOption(assertion: string, fields: readonly string[] | undefined, policy: PolicyUnderTest): readonly string[] {
  if (fields !== undefined) {
    if (!Array.isArray(fields) || !fields.every((field) => typeof field === 'string' && field.length > 0)) {
      throw new TypeError(`${assertion}: options.fields must be an array of non-empty field names`);
    }
    return fields;
  }
  const all = new Set(PROTECTED_FIELDS);
  const declared = policy.protectedFields;
  if (declared !== undefined) {
    for (const resource of policy.resources) {
      for (const action of policy.actions) {
        let names: unknown;
        try {
          names = declared.call(policy, action, resource);
        } catch (error) {
          throw new TypeError(`${assertion}: policy.protectedFields(${JSON.stringify(action)}, ${JSON.stringify(resource)}) threw`, { cause: error });
        }
        if (Array.isArray(names)) for (const name of names) if (typeof name === 'string' && name.length > 0) all.add(name);
      }
    }
  }
  return [...all];
}
