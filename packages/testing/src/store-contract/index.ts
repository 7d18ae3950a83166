// Entry point `@scopeladder/testing/store-contract`: the TokenStore contract suite, for any store
// implementation (Redis, PostgreSQL, DynamoDB, …). Unlike the main entry it imports vitest, an
// optional peer dependency, so it lives on its own subpath. Types are exported explicitly.
export { describeTokenStoreContract } from './describe-token-store-contract.js';
export type { StoreContractFactory, StoreContractFixture } from './describe-token-store-contract.js';
export { randomDigest } from './random-digest.js';
