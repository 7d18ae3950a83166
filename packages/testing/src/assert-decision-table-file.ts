import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DecisionTableOptions } from './compute-decision-table.js';
import { decisionTable } from './decision-table.js';
import { PolicyAssertionError } from './errors.js';
import { compareWithTable, mismatch } from './lib/compare-table.js';
import type { DecisionTableFormat } from './lib/table-format.js';
import type { PolicyUnderTest } from './policy-under-test.js';

const NAME = 'assertDecisionTableFile';

/**
 * The environment variable that turns on update mode: `SCOPELADDER_UPDATE=1`.
 *
 * @example
 * ```ts
 * // SCOPELADDER_UPDATE=1 npx vitest run  → rewrites the committed decision tables
 * process.env[UPDATE_ENV]; // '1' in update mode
 * ```
 */
export const UPDATE_ENV = 'SCOPELADDER_UPDATE';

/**
 * Options of {@link assertDecisionTableFile}.
 *
 * @example
 * ```ts
 * assertDecisionTableFile(policy, 'test/policy.decisions.json', { fields: ['role'], update: process.env.CI === undefined });
 * ```
 */
export interface AssertDecisionTableFileOptions extends DecisionTableOptions {
  /** The file's format. Default: from its extension (`.json` → json, `.md` → markdown, else text). */
  readonly format?: DecisionTableFormat | undefined;
  /**
   * Write the policy's current table to the file instead of comparing. Default: whether the
   * environment variable `SCOPELADDER_UPDATE` is `1` or `true`.
   */
  readonly update?: boolean | undefined;
}

/**
 * What {@link assertDecisionTableFile} did.
 *
 * @example
 * ```ts
 * const { status } = assertDecisionTableFile(policy, 'policy.decisions.md');
 * if (status === 'created') console.log('review and commit policy.decisions.md');
 * ```
 */
export interface AssertDecisionTableFileResult {
  /** The absolute path of the file. */
  readonly path: string;
  /** `matched` (compared, equal), `created` / `updated` / `unchanged` (update mode). */
  readonly status: 'matched' | 'created' | 'updated' | 'unchanged';
}

/**
 * Asserts that a policy decides exactly as the decision table committed in a file says — the
 * snapshot of your authorization model that reviewers diff when it changes. On a difference,
 * throws a {@link PolicyAssertionError} listing each changed cell (`grants MORE` / `grants less`)
 * and how to accept the change.
 *
 * Update mode (`SCOPELADDER_UPDATE=1`, or `{ update: true }`) writes the policy's current table
 * instead (only when it changed). A missing file is an error outside update mode, so a
 * forgotten snapshot cannot pass silently in CI.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy } from '@scopeladder/core';
 * import { assertDecisionTableFile } from '@scopeladder/testing';
 *
 * it('matches the reviewed decision table', () => {
 *   assertDecisionTableFile(chatshipperPolicy, new URL('./policy.decisions.md', import.meta.url));
 * });
 * // accept a reviewed change: SCOPELADDER_UPDATE=1 npx vitest run
 * ```
 */
export function assertDecisionTableFile(
  policy: PolicyUnderTest,
  file: string | URL,
  options: AssertDecisionTableFileOptions = {},
): AssertDecisionTableFileResult {
  const path = typeof file === 'string' ? resolve(file) : file instanceof URL ? fileURLToPath(file) : undefined;
  if (path === undefined || path.length === 0) throw new TypeError(`${NAME}: file must be a path or a file: URL`);
  const format = options.format ?? formatOf(path);
  const update = options.update ?? isUpdateRequested();
  if (typeof update !== 'boolean') throw new TypeError(`${NAME}: options.update must be a boolean`);
  const rendered = decisionTable(policy, { format, fields: options.fields });
  const exists = existsSync(path);

  if (update) {
    const current = exists ? readFileSync(path, 'utf8') : undefined;
    if (current === rendered) return { path, status: 'unchanged' };
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, rendered);
    return { path, status: exists ? 'updated' : 'created' };
  }
  if (!exists) {
    const violation = `there is no expected decision table at ${path}`;
    throw new PolicyAssertionError(`${NAME} failed: ${violation}.\nCreate it with ${UPDATE_ENV}=1 (or { update: true }), review it and commit it.`, {
      assertion: NAME,
      violation,
    });
  }
  const changes = compareWithTable(NAME, policy, readFileSync(path, 'utf8'), { format, fields: options.fields });
  if (changes.length > 0) {
    throw mismatch(
      NAME,
      `the policy no longer matches ${path}`,
      changes,
      `If the change is intended, re-run with ${UPDATE_ENV}=1 to rewrite the file, and let review see the diff.`,
    );
  }
  return { path, status: 'matched' };
}

function formatOf(path: string): DecisionTableFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return 'json';
  if (extension === '.md' || extension === '.markdown') return 'markdown';
  return 'text';
}

function isUpdateRequested(): boolean {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[UPDATE_ENV];
  return value === '1' || value === 'true';
}
