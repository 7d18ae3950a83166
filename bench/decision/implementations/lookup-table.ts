// The practical limit: the ChatShipper matrix typed by hand from SEED.md as the lowest scope rank
// per (action, resource), compared with the principal's rank. What a team would write if it did
// nothing but this one matrix; no CASL ability, no explanations, no other policy.
import type { Action, BenchPrincipal, DecisionImplementation, DecisionLoops, QuerySet, Resource } from '../model.js';

const GUEST = 0;
const AGENT = 1;
const BOT = 2;
const ADMIN = 3;
const NEVER = 99;

const RANK: Readonly<Record<string, number>> = { guest: GUEST, agent: AGENT, bot: BOT, admin: ADMIN };

type Row = Readonly<Record<Resource, number>>;

// prettier-ignore
/** Lowest rank allowed on every record. */
const ANY: Readonly<Record<Action, Row>> = {
  list:   { Organization: BOT,   OrganizationGroup: BOT,   User: BOT,   Conversation: AGENT, Message: BOT,   Contact: AGENT, KnowledgeItem: AGENT, Form: BOT,   Service: ADMIN },
  fetch:  { Organization: BOT,   OrganizationGroup: BOT,   User: BOT,   Conversation: GUEST, Message: BOT,   Contact: BOT,   KnowledgeItem: AGENT, Form: ADMIN, Service: ADMIN },
  create: { Organization: ADMIN, OrganizationGroup: ADMIN, User: ADMIN, Conversation: AGENT, Message: GUEST, Contact: BOT,   KnowledgeItem: AGENT, Form: BOT,   Service: ADMIN },
  update: { Organization: ADMIN, OrganizationGroup: ADMIN, User: ADMIN, Conversation: ADMIN, Message: BOT,   Contact: BOT,   KnowledgeItem: AGENT, Form: BOT,   Service: ADMIN },
  delete: { Organization: ADMIN, OrganizationGroup: ADMIN, User: ADMIN, Conversation: ADMIN, Message: ADMIN, Contact: ADMIN, KnowledgeItem: BOT,   Form: ADMIN, Service: ADMIN },
};

const NO_SELF: Row = {
  Organization: NEVER,
  OrganizationGroup: NEVER,
  User: NEVER,
  Conversation: NEVER,
  Message: NEVER,
  Contact: NEVER,
  KnowledgeItem: NEVER,
  Form: NEVER,
  Service: NEVER,
};
/** Lowest rank allowed on one's own record (the "(self)" rows). */
const SELF: Readonly<Record<Action, Row>> = {
  list: NO_SELF,
  fetch: { ...NO_SELF, User: GUEST },
  create: NO_SELF,
  update: { ...NO_SELF, User: GUEST },
  delete: NO_SELF,
};

function rankOf(principal: BenchPrincipal): number {
  let rank = -1;
  for (const scope of principal.scopes) {
    const r = RANK[scope];
    if (r !== undefined && r > rank) rank = r;
  }
  return rank;
}

function canType(rank: number, action: Action, resource: Resource): boolean {
  return rank >= ANY[action][resource];
}

function canInstance(rank: number, principalId: string, action: Action, resource: Resource, recordId: string): boolean {
  return rank >= ANY[action][resource] || (rank >= SELF[action][resource] && recordId === principalId);
}

interface TypeInput {
  readonly rank: number;
  readonly action: Action;
  readonly resource: Resource;
}
interface InstanceInput {
  readonly rank: number;
  readonly principalId: string;
  readonly action: Action;
  readonly resource: Resource;
  readonly recordId: string;
}
interface FreshInput {
  readonly principal: BenchPrincipal;
  readonly action: Action;
  readonly resource: Resource;
  readonly recordId: string;
}

function loops(queries: QuerySet, batch: number): DecisionLoops {
  const types: TypeInput[] = queries.type.map((q) => ({ rank: rankOf(q.principal), action: q.action, resource: q.resource }));
  const instances: InstanceInput[] = queries.instance.map((q) => ({
    rank: rankOf(q.principal),
    principalId: q.principal.id,
    action: q.action,
    resource: q.resource,
    recordId: q.recordId,
  }));
  const fresh: FreshInput[] = queries.fresh.map((q) => ({ principal: q.principal, action: q.action, resource: q.resource, recordId: q.recordId }));
  let t = 0;
  let i = 0;
  let f = 0;
  return {
    type() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = types[t] as TypeInput;
        if (++t === types.length) t = 0;
        if (canType(q.rank, q.action, q.resource)) allowed++;
      }
      return allowed;
    },
    instance() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = instances[i] as InstanceInput;
        if (++i === instances.length) i = 0;
        if (canInstance(q.rank, q.principalId, q.action, q.resource, q.recordId)) allowed++;
      }
      return allowed;
    },
    fresh() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = fresh[f] as FreshInput;
        if (++f === fresh.length) f = 0;
        const p = q.principal;
        if (canInstance(rankOf(p), p.id, q.action, q.resource, q.recordId)) allowed++;
      }
      return allowed;
    },
  };
}

/** The hand-written lookup table. */
export function createLookupTable(): DecisionImplementation {
  return {
    name: 'lookup table',
    typeSemantics: 'every',
    calls: {
      type: 'rank >= ANY[action][type]',
      instance: 'rank >= ANY[action][type] || (rank >= SELF[action][type] && record.id === principal.id)',
      fresh: 'the same, with rank computed from principal.scopes',
    },
    loops,
  };
}
