import { createMemoryStore } from '@scopeladder/tokens';
import { describeTokenStoreContract } from '@scopeladder/testing/store-contract';

// The shipped contract suite (@scopeladder/testing/store-contract), as a user's own store runs it;
// @scopeladder/redis runs the same one (packages/redis/src/redis-store.test.ts).
// One store is both "instances": in one process every call sees the same maps.
describeTokenStoreContract('createMemoryStore', async () => ({
  store: createMemoryStore(),
  cleanup: async () => {},
}));
