// The bounded per-policy cache of the real CASL abilities behind the abilities `abilityFor()`
// hands out. Only this expensive part is cached: the `LadderAbility` wrapper is a few fields, and
// answering the common checks from the precomputed tables never needs the CASL ability, so a new
// principal costs one small allocation and no cache work at all. The CASL ability (its rule index)
// is built when a CASL method first needs it, and then shared by every later ability of the same
// principal (same level and id), so a repeated principal costs no rebuild.
import { createMongoAbility, type AnyMongoAbility } from '@casl/ability';
import type { PolicyRawRule } from '../policy-types.js';
import { rulesAt, type CompiledPolicy } from './compile-policy.js';

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
   * The CASL ability of a principal at `level` with id `id`, built from `rulesAt()` on a miss.
   * `id === null` (no self rules: one ability per level, held by the policy) is built, not cached.
   */
  abilityAt(level: number, id: string | null): AnyMongoAbility {
    if (id === null) return this.#build(level, null);
    const young = this.#young[level] as Map<string, AnyMongoAbility>;
    let ability = young.get(id);
    if (ability !== undefined) return ability;
    ability = (this.#old[level] as Map<string, AnyMongoAbility>).get(id) ?? this.#build(level, id);
    if (young.size >= this.#generationSize) {
      this.#old[level] = young;
      const fresh = new Map<string, AnyMongoAbility>();
      this.#young[level] = fresh;
      fresh.set(id, ability);
    } else {
      young.set(id, ability);
    }
    return ability;
  }

  #build(level: number, id: string | null): AnyMongoAbility {
    // Frozen (rulesAt's own array): CASL hands it back as `.rules`, and this ability is shared by
    // every principal at this level, so no caller may push onto it.
    return createMongoAbility(rulesAt(this.#compiled, level, id) as PolicyRawRule[]);
  }
}
