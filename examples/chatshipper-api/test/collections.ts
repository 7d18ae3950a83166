/** The collection routes of the reference server (ARCHITECTURE.md, "Reference server contract"). */
export const COLLECTIONS = [
  '/v2/organizations',
  '/v2/organizationgroups',
  '/v2/users',
  '/v2/conversations',
  '/v2/messages',
  '/v2/contacts',
  '/v2/knowledgeitems',
  '/v2/forms',
  '/v2/services',
] as const;
