import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy } from '@scopeladder/core';
import { createAuthService, hashPassword } from '@scopeladder/tokens';
import { createRoutes } from '../examples/chatshipper-api/src/routes.js';
import { createMemoryStorage } from '../examples/chatshipper-api/src/storage/memory.js';
import { MATRIX_DOC_PATH, oddities, renderMatrixDoc, routeRows } from './generate-matrix-doc.js';

describe('docs/matrix.md', () => {
  it('is up to date with the policy data (run `pnpm docs:matrix` to regenerate)', () => {
    expect(readFileSync(MATRIX_DOC_PATH, 'utf8')).toBe(renderMatrixDoc());
  });

  it('has one table line per decision row', () => {
    const text = renderMatrixDoc();
    for (const row of chatshipperPolicy.decisionTable()) {
      const line = `| ${row.action} | ${row.resource} | ${row.self ? 'own' : 'any'} | `;
      expect(text).toContain(line);
    }
  });

  it('has the route → action table of the routes the reference server mounts', () => {
    const storage = createMemoryStorage();
    const auth = createAuthService({ directory: storage.users, keys: { algorithm: 'HS256', secret: 'route-table-test-secret-route-table-test' } });
    const mounted = createRoutes({ auth, users: storage.users, resources: storage.resources, roles: chatshipperPolicy.ladder.scopes, hashPassword })
      .filter((route) => route.path.startsWith('/v2/'))
      .map(({ method, path, action, subjectType }) => ({ method, path, action, subject: subjectType }));
    expect(routeRows()).toEqual(mounted);
    expect(renderMatrixDoc()).toContain('| `PATCH /v2/forms/:id` | update | Form | bot |');
    expect(renderMatrixDoc()).toContain('| `GET /v2/users/:id` | fetch | User | bot (own: guest) |');
  });

  it('names the oddities it copies from the published table: a bot may update a Form it may not fetch', () => {
    expect(oddities()).toContain('a `bot` may update Form records it may not fetch (fetch: admin)');
    expect(renderMatrixDoc()).toContain("The matrix copies ChatShipper's table as published, oddities included");
  });
});
