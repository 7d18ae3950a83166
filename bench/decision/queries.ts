// The queries every implementation answers: the same, deterministic sequence for all of them.
import { createRandom, hexId, pick, pickIndex } from '../lib/random.js';
import {
  ACTIONS,
  RESOURCES,
  SCOPES,
  type Action,
  type BenchPrincipal,
  type InstanceQuery,
  type QuerySet,
  type Resource,
  type TypeQuery,
} from './model.js';

/** Sizes of the timed query sets. */
export interface QuerySetOptions {
  readonly seed?: number;
  /** Type-level and instance queries (each set). Default 4096: more than a branch predictor learns. */
  readonly size?: number;
  /** Queries with a never-seen principal. Default 16384: far more than the policy's ability cache (1000). */
  readonly freshSize?: number;
  /** Distinct known principals behind the type-level and instance queries. Default 64. */
  readonly principals?: number;
}

function principal(random: () => number, index: number): BenchPrincipal {
  // Balanced over the ladder, in a shuffled order.
  return Object.freeze({ id: hexId(random), scopes: Object.freeze([SCOPES[index % SCOPES.length]!]) });
}

// Realistic-ish mix for instance checks: half the requests act on a User record (GET/PATCH
// /v2/users/:id, where the "(self)" rule lives), half of those on the caller's own record; the
// other half on a record of any other type.
function instanceQuery(random: () => number, who: BenchPrincipal): InstanceQuery {
  const action: Action = pick(random, ACTIONS);
  if (random() < 0.5) {
    const own = random() < 0.5;
    return Object.freeze({ principal: who, action, resource: 'User', recordId: own ? who.id : hexId(random), own });
  }
  const resource: Resource = pick(
    random,
    RESOURCES.filter((r) => r !== 'User'),
  );
  return Object.freeze({ principal: who, action, resource, recordId: hexId(random), own: false });
}

/** The timed query sets: type-level, instance, and instance with a new principal each time. */
export function createQuerySet(options: QuerySetOptions = {}): QuerySet {
  const random = createRandom(options.seed ?? 0x5c09e);
  const size = options.size ?? 4096;
  const freshSize = options.freshSize ?? 16384;
  const known = Array.from({ length: options.principals ?? 64 }, (_, i) => principal(random, i));
  const type: TypeQuery[] = [];
  const instance: InstanceQuery[] = [];
  const fresh: InstanceQuery[] = [];
  for (let i = 0; i < size; i++) {
    type.push(Object.freeze({ principal: pick(random, known), action: pick(random, ACTIONS), resource: pick(random, RESOURCES) }));
  }
  for (let i = 0; i < size; i++) instance.push(instanceQuery(random, pick(random, known)));
  for (let i = 0; i < freshSize; i++) fresh.push(instanceQuery(random, principal(random, pickIndex(random, SCOPES.length))));
  return { type, instance, fresh };
}

/**
 * Every cell of the matrix for every scope: type-level checks; instance checks on the principal's
 * own record and on someone else's (for every resource, so a self rule applied where the matrix
 * has none is caught); and the same instance checks with a principal never seen before.
 */
export function createMatrixQuerySet(seed = 0xa11): QuerySet {
  const random = createRandom(seed);
  const type: TypeQuery[] = [];
  const instance: InstanceQuery[] = [];
  const fresh: InstanceQuery[] = [];
  SCOPES.forEach((_, s) => {
    const who = principal(random, s);
    for (const action of ACTIONS) {
      for (const resource of RESOURCES) {
        type.push({ principal: who, action, resource });
        instance.push({ principal: who, action, resource, recordId: who.id, own: true });
        instance.push({ principal: who, action, resource, recordId: hexId(random), own: false });
        const a = principal(random, s);
        fresh.push({ principal: a, action, resource, recordId: a.id, own: true });
        const b = principal(random, s);
        fresh.push({ principal: b, action, resource, recordId: hexId(random), own: false });
      }
    }
  });
  return { type, instance, fresh };
}
