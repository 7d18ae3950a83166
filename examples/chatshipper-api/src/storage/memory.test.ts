import { findOrganizationIn } from './find-organization.js';
import { createMemoryResourceRepository, createMemoryUserRepository } from './memory.js';
import { describeRepositoryContract } from './repository-contract.js';

describeRepositoryContract('memory', async () => {
  const resources = createMemoryResourceRepository();
  return { users: createMemoryUserRepository((id) => findOrganizationIn(resources, id)), resources };
});
