import type { TokenStore, UserDirectory, UserRecord } from '@scopeladder/tokens';
import type { ResourceType } from '../resources.js';

/** A JSON object as stored: the client's fields plus the server's `id` and `organization`. */
export interface ResourceDocument {
  readonly id: string;
  readonly organization: string | undefined;
  readonly [field: string]: unknown;
}

/**
 * Where non-user resources live. One implementation per backend (memory, Redis);
 * the handlers only see this interface.
 */
export interface ResourceRepository {
  list(type: ResourceType): Promise<readonly ResourceDocument[]>;
  get(type: ResourceType, id: string): Promise<ResourceDocument | null>;
  /** Stores a new document; `document.id` is fresh. */
  create(type: ResourceType, document: ResourceDocument): Promise<ResourceDocument>;
  /** Shallow-merges `patch` into the document; `null` when there is no such id. */
  update(type: ResourceType, id: string, patch: Readonly<Record<string, unknown>>): Promise<ResourceDocument | null>;
  /** Deletes a document; `false` when there was no such id. */
  delete(type: ResourceType, id: string): Promise<boolean>;
}

/** A user as stored: what the auth service reads, plus any extra profile fields. */
export interface StoredUser extends UserRecord {
  readonly kind: 'user' | 'bot';
  /** Extra JSON fields a client sent (e.g. `name`); never `password`, `passwordHash`, `id`… */
  readonly profile: Readonly<Record<string, unknown>>;
}

/** What can change on a user. */
export interface UserPatch {
  readonly email?: string;
  readonly role?: string;
  readonly passwordHash?: string;
  readonly profile?: Readonly<Record<string, unknown>>;
}

/**
 * Where users live. It is also the auth service's {@link UserDirectory}, which the service
 * re-reads on every refresh and API-key request: a deleted bot or a changed role takes
 * effect on the next request.
 */
export interface UserRepository extends UserDirectory {
  findById(id: string): Promise<StoredUser | null>;
  findByEmail(email: string): Promise<StoredUser | null>;
  list(): Promise<readonly StoredUser[]>;
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
  /** `"memory"` or `"redis"`: the health answer's `storage`. */
  readonly name: 'memory' | 'redis';
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
