// Subject type detection, mirroring @casl/ability's default (`detectSubjectType`): an own
// `__caslSubjectType__` tag (set by `subject()`), else the constructor's `modelName` or `name`.
// Unlike CASL this never throws: anything undetectable is `undefined` (and is denied).

const TYPE_FIELD = '__caslSubjectType__';
const hasOwn = Object.hasOwn;

/** The tag of an object tagged by `subject()`, or `undefined` when it has no own string tag. */
export function taggedTypeOf(target: object): string | undefined {
  if (!hasOwn(target, TYPE_FIELD)) return undefined;
  const tag: unknown = (target as Record<string, unknown>)[TYPE_FIELD];
  return typeof tag === 'string' ? tag : undefined;
}

/** The subject type name CASL would detect for `target`, or `undefined` when there is none. */
export function detectTypeName(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (typeof target !== 'object' || target === null) return undefined;
  try {
    if (hasOwn(target, TYPE_FIELD)) return taggedTypeOf(target);
    const ctor = (target as { constructor?: unknown }).constructor as { modelName?: unknown; name?: unknown } | null | undefined;
    if (ctor === null || ctor === undefined) return undefined;
    const name = ctor.modelName || ctor.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
