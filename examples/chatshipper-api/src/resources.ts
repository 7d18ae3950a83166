/** The ChatShipper resource types, as the policy names them. */
export const RESOURCE_TYPES = [
  'Organization',
  'OrganizationGroup',
  'User',
  'Conversation',
  'Message',
  'Contact',
  'KnowledgeItem',
  'Form',
  'Service',
] as const;

/** One of {@link RESOURCE_TYPES}. */
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** The collection path of each resource type, under `/v2`. */
export const RESOURCE_PATHS: { readonly [T in ResourceType]: string } = Object.freeze({
  Organization: '/v2/organizations',
  OrganizationGroup: '/v2/organizationgroups',
  User: '/v2/users',
  Conversation: '/v2/conversations',
  Message: '/v2/messages',
  Contact: '/v2/contacts',
  KnowledgeItem: '/v2/knowledgeitems',
  Form: '/v2/forms',
  Service: '/v2/services',
});

/** The REST actions of the API, as the policy names them. */
export const ACTIONS = ['list', 'fetch', 'create', 'update', 'delete'] as const;
/** One of {@link ACTIONS}. */
export type Action = (typeof ACTIONS)[number];

/**
 * Other collection paths of a resource type, answering exactly like its own: ChatShipper's Node
 * SDK calls organization groups `/v2/orggroups`.
 */
export const RESOURCE_ALIASES: { readonly [T in ResourceType]?: readonly string[] } = Object.freeze({
  OrganizationGroup: Object.freeze(['/v2/orggroups']),
});
