// accesscontrol (v3): grants per role written by hand from SEED.md, roles inheriting with
// `extend`, custom actions (`list`, `fetch`, …) and enforced ownership (`ownerField: 'id'`) for
// the "(self)" rows: an `:own` check passes on an `:any` grant, or on an `:own` grant when the
// record in the context belongs to the user.
import { AccessControl } from 'accesscontrol';
import type { Action, BenchPrincipal, DecisionImplementation, DecisionLoops, QuerySet, Resource } from '../model.js';

/** The grants: each role adds what its scope gains over the one below. */
export function createChatShipperAccessControl(): AccessControl {
  const ac = new AccessControl({}, { policy: { ownerField: 'id' } });
  ac.grant('guest').do('fetch:own', 'User').do('update:own', 'User').do('fetch:any', 'Conversation').do('create:any', 'Message');
  ac.grant('agent')
    .extend('guest')
    .do('list:any', 'Conversation')
    .do('create:any', 'Conversation')
    .do('list:any', 'Contact')
    .do('list:any', 'KnowledgeItem')
    .do('fetch:any', 'KnowledgeItem')
    .do('create:any', 'KnowledgeItem')
    .do('update:any', 'KnowledgeItem');
  ac.grant('bot')
    .extend('agent')
    .do('list:any', 'Organization')
    .do('fetch:any', 'Organization')
    .do('list:any', 'OrganizationGroup')
    .do('fetch:any', 'OrganizationGroup')
    .do('list:any', 'User')
    .do('fetch:any', 'User')
    .do('list:any', 'Message')
    .do('fetch:any', 'Message')
    .do('update:any', 'Message')
    .do('fetch:any', 'Contact')
    .do('create:any', 'Contact')
    .do('update:any', 'Contact')
    .do('delete:any', 'KnowledgeItem')
    .do('list:any', 'Form')
    .do('create:any', 'Form')
    .do('update:any', 'Form');
  ac.grant('admin')
    .extend('bot')
    .do('create:any', 'Organization')
    .do('update:any', 'Organization')
    .do('delete:any', 'Organization')
    .do('create:any', 'OrganizationGroup')
    .do('update:any', 'OrganizationGroup')
    .do('delete:any', 'OrganizationGroup')
    .do('create:any', 'User')
    .do('update:any', 'User')
    .do('delete:any', 'User')
    .do('update:any', 'Conversation')
    .do('delete:any', 'Conversation')
    .do('delete:any', 'Message')
    .do('delete:any', 'Contact')
    .do('fetch:any', 'Form')
    .do('delete:any', 'Form')
    .do('list:any', 'Service')
    .do('fetch:any', 'Service')
    .do('create:any', 'Service')
    .do('update:any', 'Service')
    .do('delete:any', 'Service');
  return ac;
}

interface User {
  readonly id: string;
}
interface TypeInput {
  readonly role: string;
  readonly spec: string;
  readonly resource: Resource;
}
interface InstanceInput {
  readonly role: string;
  readonly user: User;
  readonly spec: string;
  readonly resource: Resource;
  readonly record: { readonly id: string };
}
interface FreshInput {
  readonly principal: BenchPrincipal;
  readonly spec: string;
  readonly resource: Resource;
  readonly record: { readonly id: string };
}

// Action specs are precomputed per query (no string building inside the timed loop).
const anySpec = (action: Action) => `${action}:any`;
const ownSpec = (action: Action) => `${action}:own`;

function makeLoops(ac: AccessControl, queries: QuerySet, batch: number): DecisionLoops {
  const users = new Map<BenchPrincipal, User>();
  const userFor = (p: BenchPrincipal) => users.get(p) ?? users.set(p, { id: p.id }).get(p)!;
  const types: TypeInput[] = queries.type.map((q) => ({ role: q.principal.scopes[0] as string, spec: anySpec(q.action), resource: q.resource }));
  const instances: InstanceInput[] = queries.instance.map((q) => ({
    role: q.principal.scopes[0] as string,
    user: userFor(q.principal),
    spec: ownSpec(q.action),
    resource: q.resource,
    record: { id: q.recordId },
  }));
  const fresh: FreshInput[] = queries.fresh.map((q) => ({
    principal: q.principal,
    spec: ownSpec(q.action),
    resource: q.resource,
    record: { id: q.recordId },
  }));
  let t = 0;
  let i = 0;
  let f = 0;
  return {
    type() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = types[t] as TypeInput;
        if (++t === types.length) t = 0;
        if (ac.can(q.role).do(q.spec, q.resource).granted) allowed++;
      }
      return allowed;
    },
    instance() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = instances[i] as InstanceInput;
        if (++i === instances.length) i = 0;
        if (ac.can(q.role, { user: q.user, [q.resource]: q.record }).do(q.spec, q.resource).granted) allowed++;
      }
      return allowed;
    },
    fresh() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = fresh[f] as FreshInput;
        if (++f === fresh.length) f = 0;
        const p = q.principal;
        if (ac.can(p.scopes[0] as string, { user: { id: p.id }, [q.resource]: q.record }).do(q.spec, q.resource).granted) allowed++;
      }
      return allowed;
    },
  };
}

/** accesscontrol with the grants above. No per-principal state: a new principal costs only its context object. */
export function createAccessControl(): DecisionImplementation {
  const ac = createChatShipperAccessControl();
  return {
    name: 'accesscontrol',
    typeSemantics: 'every',
    calls: {
      type: "ac.can(role).do('<action>:any', type).granted",
      instance: "ac.can(role, { user, [type]: record }).do('<action>:own', type).granted",
      fresh: "ac.can(scopes[0], { user: { id }, [type]: record }).do('<action>:own', type).granted",
    },
    loops: (queries, batch) => makeLoops(ac, queries, batch),
  };
}
