// Public entry point of @scopeladder/redis. Types are exported explicitly with `export type`.
export { createRedisStore } from './create-redis-store.js';
export type { EvictionPolicyCheck, LocalViewOptions, LocalViewStatus, RedisStoreOptions, RedisTokenStore } from './create-redis-store.js';
export type { RedisClient } from './lib/connection.js';
export { createRedisCollection } from './create-redis-collection.js';
export type {
  CollectionCreateResult,
  CollectionUpdateResult,
  RedisCollection,
  RedisCollectionCountOptions,
  RedisCollectionListOptions,
  RedisCollectionOptions,
  RedisCollectionTenancy,
} from './create-redis-collection.js';
