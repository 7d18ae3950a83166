// The bounded per-policy cache of the real CASL abilities behind the abilities `abilityFor()`
// hands out. Only this expensive part is cached: the `LadderAbility` wrapper is a few fields, and
// answering the common checks from the precomputed tables never needs the CASL ability, so a new
// principal costs one small allocation and no cache work at all. The CASL ability (its rule index)
// is built when a CASL method first needs it, and then shared by every later ability of the same
// principal (same level and id), so a repeated principal costs no rebuild.
import { createMongoAbility, type AnyMongoAbility } from '@casl/ability';
import type { PolicyRawRule } from '../policy-types.js';
import { rulesAt, type CompiledPolicy } from './compile-policy.js';

/** Freezes plain data (objects and arrays) all the way down; returns it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

/**
 * CASL abilities by level and principal id, at most `cacheSize` per level in two generations: a hit
 * in the old one is promoted; when the young one is full it becomes the old one (the oldest are
 * dropped). O(1) without iterating a Map, which matters: evicting a Map's oldest key by iteration
 * costs hundreds of nanoseconds once deletions pile up.
 */
export class CaslAbilityCache {
  readonly #compiled: CompiledPolicy;
  /** Entries per generation: two generations together hold at most `cacheSize` abilities. */
  readonly #generationSize: number;
  readonly #young: Map<string, AnyMongoAbility>[];
  readonly #old: Map<string, AnyMongoAbility>[];

  constructor(compiled: CompiledPolicy, cacheSize: number) {
    this.#compiled = compiled;
    this.#generationSize = Math.max(1, Math.floor(cacheSize / 2));
    this.#young = compiled.codes.map(() => new Map());
    this.#old = compiled.codes.map(() => new Map());
  }

  /**
   * The CASL ability of a principal at `level` with id `id` (and, with tenancy, organization path
   * `path`), built from `rulesAt()` on a miss. `id === null && path === null` (no per-principal
   * rules: one ability per level, held by the policy) is built, not cached.
   */
  abilityAt(level: number, id: string | null, path: string | null = null): AnyMongoAbility {
    if (id === null && path === null) return this.#build(level, null, null);
    // With a path, the key is `<id length>:<id><path>` (`-1:<path>` without an id): the length
    // makes it unambiguous whatever characters the id and the path hold.
    const key = path === null ? (id as string) : `${id === null ? -1 : id.length}:${id ?? ''}${path}`;
    const young = this.#young[level] as Map<string, AnyMongoAbility>;
    let ability = young.get(key);
    if (ability !== undefined) return ability;
    ability = (this.#old[level] as Map<string, AnyMongoAbility>).get(key) ?? this.#build(level, id, path);
    if (young.size >= this.#generationSize) {
      this.#old[level] = young;
      const fresh = new Map<string, AnyMongoAbility>();
      this.#young[level] = fresh;
      fresh.set(key, ability);
    } else {
      young.set(key, ability);
    }
    return ability;
  }

  #build(level: number, id: string | null, path: string | null): AnyMongoAbility {
    // Frozen: CASL hands the array back as `.rules`, and this ability is shared by every
    // principal with the same level, id and path, so no caller may change it. Query builders get
    // fresh copies of the conditions from `LadderAbility.rulesFor` instead.
    return createMongoAbility(deepFreeze(rulesAt(this.#compiled, level, id, path)) as PolicyRawRule[]);
  }
}
