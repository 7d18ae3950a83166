// casbin: an RBAC model with role inheritance (guest < agent < bot < admin through `g`), the
// "(self)" rows as an ownership attribute, and the ChatShipper matrix as policy lines written by
// hand from SEED.md (each permission given to its lowest scope). Checks use `enforceSync`.
import { newEnforcer, newModelFromString, StringAdapter, type Enforcer } from 'casbin';
import type { Action, BenchPrincipal, DecisionImplementation, DecisionLoops, QuerySet, Resource } from '../model.js';

// Cheap comparisons first, so most policy lines are rejected before the role-graph lookup `g`.
export const CASBIN_MODEL = `
[request_definition]
r = sub, obj, act

[policy_definition]
p = sub, obj, act, own

[role_definition]
g = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = r.obj.type == p.obj && r.act == p.act && g(r.sub.role, p.sub) && (p.own == "any" || r.obj.id == r.sub.id)
`;

export const CASBIN_POLICY = `
p, guest, User, fetch, own
p, guest, User, update, own
p, guest, Conversation, fetch, any
p, guest, Message, create, any

p, agent, Conversation, list, any
p, agent, Conversation, create, any
p, agent, Contact, list, any
p, agent, KnowledgeItem, list, any
p, agent, KnowledgeItem, fetch, any
p, agent, KnowledgeItem, create, any
p, agent, KnowledgeItem, update, any

p, bot, Organization, list, any
p, bot, Organization, fetch, any
p, bot, OrganizationGroup, list, any
p, bot, OrganizationGroup, fetch, any
p, bot, User, list, any
p, bot, User, fetch, any
p, bot, Message, list, any
p, bot, Message, fetch, any
p, bot, Message, update, any
p, bot, Contact, fetch, any
p, bot, Contact, create, any
p, bot, Contact, update, any
p, bot, KnowledgeItem, delete, any
p, bot, Form, list, any
p, bot, Form, create, any
p, bot, Form, update, any

p, admin, Organization, create, any
p, admin, Organization, update, any
p, admin, Organization, delete, any
p, admin, OrganizationGroup, create, any
p, admin, OrganizationGroup, update, any
p, admin, OrganizationGroup, delete, any
p, admin, User, create, any
p, admin, User, update, any
p, admin, User, delete, any
p, admin, Conversation, update, any
p, admin, Conversation, delete, any
p, admin, Message, delete, any
p, admin, Contact, delete, any
p, admin, Form, fetch, any
p, admin, Form, delete, any
p, admin, Service, list, any
p, admin, Service, fetch, any
p, admin, Service, create, any
p, admin, Service, update, any
p, admin, Service, delete, any

g, agent, guest
g, bot, agent
g, admin, bot
`;

interface Sub {
  readonly role: string;
  readonly id: string;
}
interface Obj {
  readonly type: Resource;
  readonly id: string | null;
}
interface Input {
  readonly sub: Sub;
  readonly obj: Obj;
  readonly action: Action;
}
interface FreshInput {
  readonly principal: BenchPrincipal;
  readonly obj: Obj;
  readonly action: Action;
}

const subOf = (p: BenchPrincipal): Sub => ({ role: p.scopes[0] as string, id: p.id });
// A type-level request carries no record id, so only "any" lines can match: allowed on every record.
const typeObj = (type: Resource): Obj => ({ type, id: null });

function makeLoops(enforcer: Enforcer, queries: QuerySet, batch: number): DecisionLoops {
  const subs = new Map<BenchPrincipal, Sub>();
  const subFor = (p: BenchPrincipal) => subs.get(p) ?? subs.set(p, subOf(p)).get(p)!;
  const types: Input[] = queries.type.map((q) => ({ sub: subFor(q.principal), obj: typeObj(q.resource), action: q.action }));
  const instances: Input[] = queries.instance.map((q) => ({ sub: subFor(q.principal), obj: { type: q.resource, id: q.recordId }, action: q.action }));
  const fresh: FreshInput[] = queries.fresh.map((q) => ({ principal: q.principal, obj: { type: q.resource, id: q.recordId }, action: q.action }));
  let t = 0;
  let i = 0;
  let f = 0;
  return {
    type() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = types[t] as Input;
        if (++t === types.length) t = 0;
        if (enforcer.enforceSync(q.sub, q.obj, q.action)) allowed++;
      }
      return allowed;
    },
    instance() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = instances[i] as Input;
        if (++i === instances.length) i = 0;
        if (enforcer.enforceSync(q.sub, q.obj, q.action)) allowed++;
      }
      return allowed;
    },
    fresh() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = fresh[f] as FreshInput;
        if (++f === fresh.length) f = 0;
        if (enforcer.enforceSync(subOf(q.principal), q.obj, q.action)) allowed++;
      }
      return allowed;
    },
  };
}

/**
 * casbin with the model and policy above (or others: the tests feed it broken ones to show the
 * verification catches them). No per-principal state: a new principal costs only its request object.
 */
export async function createCasbin({
  model = CASBIN_MODEL,
  policy = CASBIN_POLICY,
}: { model?: string; policy?: string } = {}): Promise<DecisionImplementation> {
  const enforcer = await newEnforcer(newModelFromString(model), new StringAdapter(policy));
  return {
    name: 'casbin',
    typeSemantics: 'every',
    calls: {
      type: 'enforcer.enforceSync({ role, id }, { type, id: null }, action)',
      instance: 'enforcer.enforceSync({ role, id }, { type, id }, action)',
      fresh: 'enforcer.enforceSync({ role: scopes[0], id }, { type, id }, action)',
    },
    loops: (queries, batch) => makeLoops(enforcer, queries, batch),
  };
}
