import type { ListFilter, Principal } from '@scopeladder/core';
import type { GuardPolicy } from '../http/guard-types.js';

type FilterFor = NonNullable<GuardPolicy['filterFor']>;

/**
 * A `ListFilter` computed on first use: core's `policy.filterFor(principal, action, subject)`,
 * asked when `kind`, `matches`, `query` or `prisma` is first read, then kept. A guard whose
 * handler never lists pays for this object only (an allocation), not for the filter. Its
 * properties are the computed filter's (`matches` is that filter's own function, so it can be
 * passed on: `rows.filter(filter.matches)`; `query` and `prisma` are fresh on every read, as
 * core's are). The adapters hand it out typed as `ListFilter`.
 */
export class LazyListFilter {
  readonly #policy: GuardPolicy;
  readonly #principal: Principal;
  readonly #action: string;
  readonly #subject: string;
  #filter: ListFilter | undefined;

  constructor(policy: GuardPolicy, principal: Principal, action: string, subject: string) {
    this.#policy = policy;
    this.#principal = principal;
    this.#action = action;
    this.#subject = subject;
  }

  #resolve(): ListFilter {
    this.#filter ??= (this.#policy.filterFor as FilterFor).call(this.#policy, this.#principal, this.#action, this.#subject);
    return this.#filter;
  }

  get kind(): ListFilter['kind'] {
    return this.#resolve().kind;
  }

  get matches(): (record: unknown) => boolean {
    return this.#resolve().matches;
  }

  get query(): unknown {
    const filter = this.#resolve();
    return filter.kind === 'condition' ? filter.query : undefined;
  }

  get prisma(): unknown {
    const filter = this.#resolve();
    return filter.kind === 'condition' ? filter.prisma : undefined;
  }

  /** What `JSON.stringify` writes: the computed filter's own JSON (`{ kind, query? }`). */
  toJSON(): unknown {
    const filter = this.#resolve() as ListFilter & { toJSON?: () => unknown };
    return typeof filter.toJSON === 'function' ? filter.toJSON() : { kind: filter.kind };
  }
}
