// The organization tree of docs/organizations.md, and how a record can stand to a principal.
// The core tenancy tests are generated from this data (packages/core/src/tenancy.test.ts).

/** Two trees: root r1 with customers c1 (sub-organization s1) and c2; root r2 with a customer also named c1. */
export const organizations = [
  { id: 'r1', name: 'Contact center', parent: null, level: 1, path: 'r1' },
  { id: 'c1', name: 'Customer one', parent: 'r1', level: 2, path: 'r1#c1' },
  { id: 's1', name: 'Customer one, north', parent: 'c1', level: 3, path: 'r1#c1#s1' },
  { id: 'c2', name: 'Customer two', parent: 'r1', level: 2, path: 'r1#c2' },
  { id: 'c10', name: 'Customer ten', parent: 'r1', level: 2, path: 'r1#c10' },
  { id: 'r2', name: 'Another installation', parent: null, level: 1, path: 'r2' },
  { id: 'c1', name: 'Its customer "c1"', parent: 'r2', level: 2, path: 'r2#c1' },
] as const;

/**
 * How a record's organization stands to the principal's: the principal acts in `principalPath`,
 * the record belongs to `recordPath`; `reachable` is the rule.
 */
export const relations = [
  { relation: 'same organization', principalPath: 'r1#c1', recordPath: 'r1#c1', reachable: true },
  { relation: 'child', principalPath: 'r1#c1', recordPath: 'r1#c1#s1', reachable: true },
  { relation: 'grandchild', principalPath: 'r1', recordPath: 'r1#c1#s1', reachable: true },
  { relation: 'parent', principalPath: 'r1#c1', recordPath: 'r1', reachable: false },
  { relation: 'sibling', principalPath: 'r1#c1', recordPath: 'r1#c2', reachable: false },
  { relation: 'sibling whose id starts alike', principalPath: 'r1#c1', recordPath: 'r1#c10', reachable: false },
  { relation: 'other tree (same customer id)', principalPath: 'r1#c1', recordPath: 'r2#c1', reachable: false },
  { relation: 'record without a path', principalPath: 'r1#c1', recordPath: null, reachable: false },
] as const;
