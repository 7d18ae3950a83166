import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatshipperPolicy } from '@scopeladder/core';
import { MATRIX_DOC_PATH, renderMatrixDoc } from './generate-matrix-doc.js';

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
});
