// A user's own store running the shipped contract suite, exactly as the @scopeladder/testing
// README shows: here the memory store stands in for "your store".
import { createMemoryStore } from '@scopeladder/tokens';
import { describeTokenStoreContract } from '@scopeladder/testing/store-contract';

describeTokenStoreContract('memory store, from the packed @scopeladder/testing/store-contract', async () => ({
  store: createMemoryStore(),
  cleanup: async () => {},
}));
