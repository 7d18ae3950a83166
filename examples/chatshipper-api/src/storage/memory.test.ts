import { createMemoryResourceRepository, createMemoryUserRepository } from './memory.js';
import { describeRepositoryContract } from './repository-contract.js';

describeRepositoryContract('memory', async () => ({
  users: createMemoryUserRepository(),
  resources: createMemoryResourceRepository(),
}));
