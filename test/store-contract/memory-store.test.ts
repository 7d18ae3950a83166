import { createMemoryStore } from '@scopeladder/tokens';
import { describeTokenStoreContract } from './contract.js';

// The same contract suite as @scopeladder/redis (packages/redis/src/redis-store.test.ts).
// One store is both "instances": in one process every call sees the same maps.
describeTokenStoreContract('createMemoryStore', async () => ({
  store: createMemoryStore(),
  cleanup: async () => {},
}));
