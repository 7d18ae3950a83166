import type { ListFilter } from '@scopeladder/core';
import type { OrganizationRecord, TokenStore, UserDirectory, UserRecord } from '@scopeladder/tokens';
import type { ResourceType } from '../resources.js';

/**
 * A JSON object as stored: the client's fields plus the server's `id`, `organization` and
 * `organizationPath` (the materialized path of the organization, what the policy's tenancy
 * reads). An Organization record belongs to itself: its `organization` is its own id, and it
 * carries `parent`, `level` and `path` instead of `organizationPath`.
 */
export interface ResourceDocument {
  readonly id: string;
  readonly organization: string | undefined;
  readonly organizationPath?: string | undefined;
  readonly [field: string]: unknown;
}

/**
 * One page of a list, as the handlers ask for it: the caller's filter (the policy's `filterFor`,
 * narrowed by `?organization=`), the subtree it is confined to, and the page.
 */
export interface ListQuery {
  /** What the caller may see; `none` never reaches a repository. */
  readonly filter: ListFilter;
  /** The organization path the filter confines the list to (for a subtree index), when tenancy is on. */
  readonly within: string | undefined;
  readonly offset: number;
  readonly limit: number;
}

/** A page of records, and whether more remain after it. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly more: boolean;
}

/**
 * Where non-user resources live. One implementation per backend (memory, Redis);
 * the handlers only see this interface.
 */
export interface ResourceRepository {
  /** The records of `type` matching `query.filter`, in insertion order, one page. */
  list(type: ResourceType, query: ListQuery): Promise<ListPage<ResourceDocument>>;
  /** Whether some organization has `parent` as its parent. */
  hasSubOrganizations(parent: string): Promise<boolean>;
  get(type: ResourceType, id: string): Promise<ResourceDocument | null>;
  /** Stores a new document; `document.id` is fresh. */
  create(type: ResourceType, document: ResourceDocument): Promise<ResourceDocument>;
  /** Shallow-merges `patch` into the document; `null` when there is no such id. */
  update(type: ResourceType, id: string, patch: Readonly<Record<string, unknown>>): Promise<ResourceDocument | null>;
  /** Deletes a document; `false` when there was no such id. */
  delete(type: ResourceType, id: string): Promise<boolean>;
}

/** A membership as stored: the organization, its path (organizations never move) and the role there. */
export interface StoredMembership {
  readonly organization: string;
  readonly path: string;
  readonly role: string;
}

/**
 * A user as stored: what the auth service reads, plus any extra profile fields. `role` and
 * `organization` mirror the first membership; `organizationPaths` (the paths of every
 * membership) is what the policy's tenancy reads.
 */
export interface StoredUser extends UserRecord {
  readonly kind: 'user' | 'bot';
  readonly memberships?: readonly StoredMembership[] | undefined;
  readonly organizationPaths?: readonly string[] | undefined;
  /** Extra JSON fields a client sent (e.g. `name`); never `password`, `passwordHash`, `id`… */
  readonly profile: Readonly<Record<string, unknown>>;
}

/**
 * What can change on a user. Membership changes are described relative to a subtree (the
 * caller's reach), so that a compare-and-set retry re-applies them to the latest record and never
 * touches memberships outside it.
 */
export interface UserPatch {
  readonly email?: string;
  /** Users without memberships only; with memberships see `roleWithin`. */
  readonly role?: string;
  readonly passwordHash?: string;
  readonly profile?: Readonly<Record<string, unknown>>;
  /** Sets the role of every membership inside the subtree at `path`. */
  readonly roleWithin?: { readonly path: string; readonly role: string };
  /** Replaces the memberships inside the subtree at `path` with `memberships` (all inside it). */
  readonly membershipsWithin?: { readonly path: string; readonly memberships: readonly StoredMembership[] };
}

/**
 * Where users live. It is also the auth service's {@link UserDirectory}, which the service
 * re-reads on every refresh and API-key request: a deleted bot or a changed role takes
 * effect on the next request.
 */
export interface UserRepository extends UserDirectory {
  findById(id: string): Promise<StoredUser | null>;
  findByEmail(email: string): Promise<StoredUser | null>;
  /** The users matching `query.filter`, in insertion order, one page. */
  list(query: ListQuery): Promise<ListPage<StoredUser>>;
  /** The organization with this id (its `path`), read from the Organization records. */
  findOrganization(id: string): Promise<OrganizationRecord | null>;
  /** Creates a user; resolves `null` when the email is already taken (compared case-insensitively). */
  create(user: StoredUser): Promise<StoredUser | null>;
  /** Applies a patch; `null` when there is no such id, `'email_taken'` when the new email is in use. */
  update(id: string, patch: UserPatch): Promise<StoredUser | null | 'email_taken'>;
  /** Deletes a user and resolves the deleted record, or `null`. */
  delete(id: string): Promise<StoredUser | null>;
}

/** What {@link Storage.check} reports, for `GET /health`. */
export interface StorageHealth {
  /** Whether the backend answers now. */
  readonly ok: boolean;
  /** Extra fields for the health answer, e.g. `{ redis: 'up' }`. */
  readonly details: Readonly<Record<string, string>>;
}

/**
 * Every piece of the server's state behind one object: the users (also the auth service's
 * directory), the other resources and the token store. In memory (one process) or in Redis
 * (shared by every instance).
 */
export interface Storage {
  /** `"memory"`, `"redis"` or `"postgres"`: the health answer's `storage`. */
  readonly name: 'memory' | 'redis' | 'postgres';
  /** For the banner, without credentials: `memory`, `redis at redis://127.0.0.1:6379 (prefix "chatshipper:")`. */
  readonly description: string;
  readonly users: UserRepository;
  readonly resources: ResourceRepository;
  readonly tokenStore: TokenStore;
  /** Whether the backend answers now; never throws. */
  check(): Promise<StorageHealth>;
  /** Calls `listener` each time the backend is reachable again after an outage. */
  onRecovered(listener: () => void): void;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
