import { createMongoAbility } from '@casl/ability';
import { describe, expect, it } from 'vitest';
import { chatshipperMatrix, chatshipperPolicy, subject, type ChatShipperAction, type ChatShipperResource } from './index.js';
import { isScopeladderError } from './errors.js';

// The oracle: the permission table of the ChatShipper documentation (SEED.md), copied verbatim
// and parsed here, independently of `chatshipperMatrix`. An encoding mistake in the matrix shows
// up as a disagreement with this text.
const DOCUMENTED_TABLE = `
| action | guest | agent | bot | admin |
|---|---|---|---|---|
| List organizations | - | - | + | + |
| List organization groups | - | - | + | + |
| List users | - | - | + | + |
| List conversations | - | + | + | + |
| List messages | - | - | + | + |
| List contacts | - | + | + | + |
| List knowledge items | - | + | + | + |
| List forms | - | - | + | + |
| List services | - | - | - | + |
| Fetch organization | - | - | + | + |
| Fetch organization group | - | - | + | + |
| Fetch user details (self) | + | + | + | + |
| Fetch user details | - | - | + | + |
| Fetch conversation details | + | + | + | + |
| Fetch message | - | - | + | + |
| Fetch contact | - | - | + | + |
| Fetch knowledge item | - | + | + | + |
| Fetch form | - | - | - | + |
| Fetch service | - | - | - | + |
| Create organization | - | - | - | + |
| Create organization group | - | - | - | + |
| Create user | - | - | - | + |
| Create conversation | - | + | + | + |
| Create message | + | + | + | + |
| Create contact | - | - | + | + |
| Create knowledge item | - | + | + | + |
| Create form | - | - | + | + |
| Create service | - | - | - | + |
| Update organization | - | - | - | + |
| Update organization groups | - | - | - | + |
| Update user details (self) | + | + | + | + |
| Update user details | - | - | - | + |
| Update conversation | - | - | - | + |
| Update message | - | - | + | + |
| Update contact | - | - | + | + |
| Update knowledge item | - | + | + | + |
| Update form | - | - | + | + |
| Update service | - | - | - | + |
| Delete knowledge item | - | - | + | + |
| Delete any other resource | - | - | - | + |
`;

const SCOPES = ['guest', 'agent', 'bot', 'admin'] as const;
type Scope = (typeof SCOPES)[number];
const RESOURCES: readonly ChatShipperResource[] = [
  'Organization',
  'OrganizationGroup',
  'User',
  'Conversation',
  'Message',
  'Contact',
  'KnowledgeItem',
  'Form',
  'Service',
];
const ACTIONS: readonly ChatShipperAction[] = ['list', 'fetch', 'create', 'update', 'delete'];

// Nouns as the documentation writes them, singular or plural, with or without "details".
const NOUNS: Record<string, ChatShipperResource> = {
  organization: 'Organization',
  'organization group': 'OrganizationGroup',
  user: 'User',
  conversation: 'Conversation',
  message: 'Message',
  contact: 'Contact',
  'knowledge item': 'KnowledgeItem',
  form: 'Form',
  service: 'Service',
};

interface OracleEntry {
  /** Allowed on any record (and on the type, for every instance). */
  other: Record<Scope, boolean>;
  /** Allowed on the principal's own record. */
  self: Record<Scope, boolean>;
  /** Whether the documentation has a "(self)" row for it. */
  hasSelfRow: boolean;
}

function parseOracle(text: string): Map<string, OracleEntry> {
  const rows = text
    .trim()
    .split('\n')
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const other = new Map<string, Record<Scope, boolean>>();
  const self = new Map<string, Record<Scope, boolean>>();
  const key = (action: string, resource: string) => `${action} ${resource}`;
  const wildcard: { action: string; marks: Record<Scope, boolean> }[] = [];
  for (const [label, ...cells] of rows) {
    expect(cells).toHaveLength(4);
    const marks = Object.fromEntries(
      SCOPES.map((scope, index) => {
        expect(['+', '-']).toContain(cells[index]);
        return [scope, cells[index] === '+'];
      }),
    ) as Record<Scope, boolean>;
    const match = /^(List|Fetch|Create|Update|Delete) (.+?)( \(self\))?$/.exec(label as string);
    expect(match, `unparsed row "${label}"`).not.toBeNull();
    const [, verb, rawNoun, selfMark] = match as RegExpExecArray;
    const action = (verb as string).toLowerCase();
    if (rawNoun === 'any other resource') {
      wildcard.push({ action, marks });
      continue;
    }
    const noun = (rawNoun as string).replace(/ details$/, '').replace(/s$/, '');
    const resource = NOUNS[noun];
    expect(resource, `unknown noun "${rawNoun}"`).toBeDefined();
    const target = selfMark ? self : other;
    expect(target.has(key(action, resource as string)), `duplicate row "${label}"`).toBe(false);
    target.set(key(action, resource as string), marks);
  }
  for (const { action, marks } of wildcard) {
    for (const resource of RESOURCES) if (!other.has(key(action, resource))) other.set(key(action, resource), marks);
  }
  const oracle = new Map<string, OracleEntry>();
  for (const action of ACTIONS) {
    for (const resource of RESOURCES) {
      const k = key(action, resource);
      const anyMarks = other.get(k);
      expect(anyMarks, `the documentation has no row for ${k}`).toBeDefined();
      const selfMarks = self.get(k);
      oracle.set(k, {
        other: anyMarks as Record<Scope, boolean>,
        self: selfMarks ?? (anyMarks as Record<Scope, boolean>),
        hasSelfRow: selfMarks !== undefined,
      });
    }
  }
  expect(oracle.size).toBe(RESOURCES.length * ACTIONS.length);
  return oracle;
}

const ORACLE = parseOracle(DOCUMENTED_TABLE);
const lowest = (marks: Record<Scope, boolean>): Scope | null => SCOPES.find((scope) => marks[scope]) ?? null;

const SELF_ID = '5f0c8a1e9b3d2c4a6e8f0a1b';
const OTHER_ID = '6a1d9b2f0c4e3d5b7f9a1b2c';

// chatshipperPolicy has tenancy: the principal acts in customer c1 of root r1, and the records
// lie in its reach (its own organization, or a child), so the matrix alone decides. Reach itself
// is tested in tenancy.test.ts.
const ORGANIZATION = { organization: 'c1', organizationPath: 'r1#c1' } as const;
function inReach(resource: ChatShipperResource, id: string, path = 'r1#c1#s1') {
  const field = chatshipperPolicy.tenancy?.fieldByType[resource] as string;
  return subject(resource, { id, [field]: resource === 'User' ? ['r1#c9', path] : path });
}

const cases = ACTIONS.flatMap((action) => RESOURCES.flatMap((resource) => SCOPES.map((scope) => ({ action, resource, scope }))));

function authorizeOutcome(run: () => void): string {
  try {
    run();
    return 'allowed';
  } catch (error) {
    if (!isScopeladderError(error)) throw error;
    return error.code;
  }
}

describe('chatshipperPolicy against the documented table', () => {
  it('the oracle has one entry per resource × action and exactly the two documented self rows', () => {
    const selfRows = [...ORACLE].filter(([, entry]) => entry.hasSelfRow).map(([key]) => key);
    expect(selfRows.sort()).toEqual(['fetch User', 'update User']);
  });

  it.each(cases)('$action $resource as $scope', ({ action, resource, scope }) => {
    const entry = ORACLE.get(`${action} ${resource}`) as OracleEntry;
    const principal = { id: SELF_ID, scopes: [scope], ...ORGANIZATION };
    const own = inReach(resource, SELF_ID, 'r1#c1');
    const other = inReach(resource, OTHER_ID);
    const ability = chatshipperPolicy.abilityFor(principal);
    const plain = createMongoAbility(chatshipperPolicy.rulesFor(principal));
    const expectOther = entry.other[scope];
    const expectSelf = entry.self[scope];

    // Someone else's record.
    expect(chatshipperPolicy.can(principal, action, other)).toBe(expectOther);
    expect(ability.can(action, other)).toBe(expectOther);
    expect(plain.can(action, other)).toBe(expectOther);
    expect(chatshipperPolicy.explain(principal, action, other).allowed).toBe(expectOther);
    expect(chatshipperPolicy.explain(principal, action, other).requiredScope).toBe(lowest(entry.other));
    expect(authorizeOutcome(() => chatshipperPolicy.authorize(principal, action, other))).toBe(
      expectOther ? 'allowed' : lowest(entry.other) === null ? 'ERR_FORBIDDEN' : 'ERR_INSUFFICIENT_SCOPE',
    );

    // The principal's own record.
    expect(chatshipperPolicy.can(principal, action, own)).toBe(expectSelf);
    expect(ability.can(action, own)).toBe(expectSelf);
    expect(plain.can(action, own)).toBe(expectSelf);
    const ownDecision = chatshipperPolicy.explain(principal, action, own);
    expect(ownDecision.allowed).toBe(expectSelf);
    expect(ownDecision.requiredScope).toBe(lowest(entry.self));
    expect(ownDecision.conditional).toBe(expectSelf && !expectOther);
    expect(authorizeOutcome(() => chatshipperPolicy.authorize(principal, action, own))).toBe(expectSelf ? 'allowed' : 'ERR_INSUFFICIENT_SCOPE');

    // The type: CASL's "some instance" answer, and the route guard's "every instance" answer.
    expect(chatshipperPolicy.can(principal, action, resource)).toBe(expectOther || expectSelf);
    expect(ability.can(action, resource)).toBe(expectOther || expectSelf);
    expect(plain.can(action, resource)).toBe(expectOther || expectSelf);
    expect(chatshipperPolicy.canEvery(principal, action, resource)).toBe(expectOther);
    expect(chatshipperPolicy.explain(principal, action, resource, undefined, { every: true }).allowed).toBe(expectOther);
    expect(chatshipperPolicy.requiredScope(action, resource)).toBe(lowest(entry.other));
    expect(chatshipperPolicy.requiredScope(action, resource, { self: true })).toBe(lowest(entry.self));
    expect(authorizeOutcome(() => chatshipperPolicy.authorize(principal, action, resource))).toBe(expectOther ? 'allowed' : 'ERR_INSUFFICIENT_SCOPE');
  });

  it('decisionTable() (what docs/matrix.md is generated from) matches the documented table', () => {
    const rows = chatshipperPolicy.decisionTable();
    for (const [key, entry] of ORACLE) {
      const [action, resource] = key.split(' ');
      const otherRow = rows.find((row) => row.action === action && row.resource === resource && !row.self);
      expect(otherRow?.allowed).toEqual(entry.other);
      expect(otherRow?.requiredScope).toBe(lowest(entry.other));
      const selfRow = rows.find((row) => row.action === action && row.resource === resource && row.self);
      if (entry.hasSelfRow) {
        expect(selfRow?.allowed).toEqual(entry.self);
        expect(selfRow?.requiredScope).toBe(lowest(entry.self));
      } else {
        expect(selfRow).toBeUndefined();
      }
    }
    expect(rows).toHaveLength(ORACLE.size + 2);
  });

  it('the matrix lists exactly the documented resources and actions', () => {
    expect(Object.keys(chatshipperMatrix)).toEqual(RESOURCES);
    for (const resource of RESOURCES) expect(Object.keys(chatshipperMatrix[resource])).toEqual(ACTIONS);
    expect(chatshipperPolicy.resources).toEqual(RESOURCES);
    expect(chatshipperPolicy.actions).toEqual(ACTIONS);
    expect(chatshipperPolicy.ladder.scopes).toEqual(SCOPES);
  });

  it('cascades: a principal holding several scopes gets what its highest one gets', () => {
    for (const { action, resource } of cases) {
      const other = inReach(resource, OTHER_ID);
      const mixed = { id: SELF_ID, scopes: ['guest', 'bot'], ...ORGANIZATION };
      const bot = { id: SELF_ID, scopes: ['bot'], ...ORGANIZATION };
      expect(chatshipperPolicy.can(mixed, action, other)).toBe(chatshipperPolicy.can(bot, action, other));
    }
  });

  it('a principal without any known scope may do nothing', () => {
    for (const scopes of [[], ['superuser'], ['Admin'], ['admin ']]) {
      const principal = { id: SELF_ID, scopes, ...ORGANIZATION };
      for (const { action, resource } of cases) {
        expect(chatshipperPolicy.can(principal, action, resource)).toBe(false);
        expect(chatshipperPolicy.can(principal, action, inReach(resource, SELF_ID, 'r1#c1'))).toBe(false);
        expect(chatshipperPolicy.abilityFor(principal).can(action, resource)).toBe(false);
        expect(chatshipperPolicy.explain(principal, action, resource).reason).toBe('no_known_scope');
      }
    }
  });
});
