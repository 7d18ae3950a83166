import { describe, expect, it } from 'vitest';
import { chatshipperPolicy, definePolicy, renderDecisionTable } from './index.js';

describe('renderDecisionTable', () => {
  const policy = definePolicy({
    scopes: ['low', 'high'],
    matrix: { Doc: { read: 'low', write: { any: 'high', self: 'low' }, purge: null } },
  });

  it('renders a markdown table, self rows first, with the lowest scope', () => {
    expect(renderDecisionTable(policy)).toBe(
      [
        '| action | resource | record | low | high | lowest scope |',
        '| --- | --- | --- | --- | --- | --- |',
        '| read | Doc | any | + | + | low |',
        '| write | Doc | own | + | + | low |',
        '| write | Doc | any | - | + | high |',
        '| purge | Doc | any | - | - | none |',
        '',
      ].join('\n'),
    );
  });

  it('renders aligned text with custom marks', () => {
    expect(renderDecisionTable(policy, { format: 'text', allowed: 'yes', denied: 'no' })).toBe(
      [
        'action  resource  record  low  high  lowest scope',
        'read    Doc       any     yes  yes   low',
        'write   Doc       own     yes  yes   low',
        'write   Doc       any     no   yes   high',
        'purge   Doc       any     no   no    none',
        '',
      ].join('\n'),
    );
  });

  it('renders one line per decision row of the ChatShipper policy', () => {
    const lines = renderDecisionTable(chatshipperPolicy, { format: 'text' }).trimEnd().split('\n');
    expect(lines).toHaveLength(chatshipperPolicy.decisionTable().length + 1);
    expect(lines).toContain('delete  KnowledgeItem      any     -      -      +    +      bot');
  });

  it('rejects an unknown format', () => {
    expect(() => renderDecisionTable(policy, { format: 'html' as 'text' })).toThrow(TypeError);
  });
});
