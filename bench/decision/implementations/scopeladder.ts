// @scopeladder/core, two ways: through the CASL ability `abilityFor()` hands out (what
// `authenticate()` returns), and through the policy's own methods (what the route guards call).
import { subject, type PolicyAbility, type SubjectInstance } from '@scopeladder/core';
import type { Action, BenchPrincipal, DecisionImplementation, DecisionLoops, QuerySet, Resource } from '../model.js';
import { chatshipperMatrixPolicy } from '../../lib/matrix-policy.js';

const policy = chatshipperMatrixPolicy;
type Ability = PolicyAbility<Action, Resource>;

interface AbilityTypeInput {
  readonly ability: Ability;
  readonly action: Action;
  readonly resource: Resource;
}
interface AbilityInstanceInput {
  readonly ability: Ability;
  readonly action: Action;
  readonly target: SubjectInstance<Resource>;
}
interface PrincipalInput {
  readonly principal: BenchPrincipal;
  readonly action: Action;
  readonly target: SubjectInstance<Resource>;
}
interface PrincipalTypeInput {
  readonly principal: BenchPrincipal;
  readonly action: Action;
  readonly resource: Resource;
}

const tag = (resource: Resource, id: string) => subject(resource, { id });

function abilityLoops(queries: QuerySet, batch: number): DecisionLoops {
  const types: AbilityTypeInput[] = queries.type.map((q) => ({ ability: policy.abilityFor(q.principal), action: q.action, resource: q.resource }));
  const instances: AbilityInstanceInput[] = queries.instance.map((q) => ({
    ability: policy.abilityFor(q.principal),
    action: q.action,
    target: tag(q.resource, q.recordId),
  }));
  const fresh: PrincipalInput[] = queries.fresh.map((q) => ({ principal: q.principal, action: q.action, target: tag(q.resource, q.recordId) }));
  let t = 0;
  let i = 0;
  let f = 0;
  return {
    type() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = types[t] as AbilityTypeInput;
        if (++t === types.length) t = 0;
        if (q.ability.can(q.action, q.resource)) allowed++;
      }
      return allowed;
    },
    instance() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = instances[i] as AbilityInstanceInput;
        if (++i === instances.length) i = 0;
        if (q.ability.can(q.action, q.target)) allowed++;
      }
      return allowed;
    },
    fresh() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = fresh[f] as PrincipalInput;
        if (++f === fresh.length) f = 0;
        if (policy.abilityFor(q.principal).can(q.action, q.target)) allowed++;
      }
      return allowed;
    },
  };
}

/** `ability.can()` on the ability from `policy.abilityFor(principal)`. */
export function createScopeladderAbility(): DecisionImplementation {
  return {
    name: 'scopeladder ability',
    typeSemantics: 'some',
    calls: {
      type: 'ability.can(action, type)',
      instance: 'ability.can(action, subject(type, record))',
      fresh: 'policy.abilityFor(principal).can(action, subject(type, record))',
    },
    loops: abilityLoops,
  };
}

function policyLoops(queries: QuerySet, batch: number): DecisionLoops {
  const types: PrincipalTypeInput[] = queries.type.map((q) => ({ principal: q.principal, action: q.action, resource: q.resource }));
  const instances: PrincipalInput[] = queries.instance.map((q) => ({
    principal: q.principal,
    action: q.action,
    target: tag(q.resource, q.recordId),
  }));
  const fresh: PrincipalInput[] = queries.fresh.map((q) => ({ principal: q.principal, action: q.action, target: tag(q.resource, q.recordId) }));
  let t = 0;
  let i = 0;
  let f = 0;
  return {
    type() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = types[t] as PrincipalTypeInput;
        if (++t === types.length) t = 0;
        if (policy.canEvery(q.principal, q.action, q.resource)) allowed++;
      }
      return allowed;
    },
    instance() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = instances[i] as PrincipalInput;
        if (++i === instances.length) i = 0;
        if (policy.can(q.principal, q.action, q.target)) allowed++;
      }
      return allowed;
    },
    fresh() {
      let allowed = 0;
      for (let k = 0; k < batch; k++) {
        const q = fresh[f] as PrincipalInput;
        if (++f === fresh.length) f = 0;
        if (policy.can(q.principal, q.action, q.target)) allowed++;
      }
      return allowed;
    },
  };
}

/** The policy's own checks, straight from the principal: `canEvery` for a type (the route-guard question), `can` for a record. */
export function createScopeladderPolicy(): DecisionImplementation {
  return {
    name: 'scopeladder policy',
    typeSemantics: 'every',
    calls: {
      type: 'policy.canEvery(principal, action, type)',
      instance: 'policy.can(principal, action, subject(type, record))',
      fresh: 'policy.can(principal, action, subject(type, record))',
    },
    loops: policyLoops,
  };
}
