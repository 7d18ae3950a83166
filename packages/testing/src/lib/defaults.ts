/**
 * The fields a principal must not change on its own record unless it may change them on any
 * record: what it is (`role`, `scopes`), where it belongs (`organization`) and its credentials
 * (internal; exported as `DEFAULT_PROTECTED_FIELDS`).
 */
export const PROTECTED_FIELDS: readonly string[] = Object.freeze(['role', 'scopes', 'organization', 'apiToken']);

/** The actions that write a record: field safety is about these (internal). */
export const WRITE_ACTIONS: readonly string[] = Object.freeze(['create', 'update']);

/** The ids the decision table probes with (internal). */
export const PROBE_ID = '000000000000000000000001';
export const PROBE_OTHER_ID = '000000000000000000000002';
