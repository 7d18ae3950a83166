import type { FieldNameProblem } from './check-field-name.js';

const SHOWN_LENGTH = 40;

/**
 * A field name for a message: printable ASCII kept (but `"` and `\`), anything else as
 * `\uXXXX`, at most 40 characters. Never a raw control character or look-alike.
 */
function quoted(name: string): string {
  const shown = name.length > SHOWN_LENGTH ? name.slice(0, SHOWN_LENGTH) : name;
  const escaped = shown.replace(/[^\x20-\x7e]|["\\]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"${shown === name ? '' : '...'}`;
}

/**
 * The human message for a {@link FieldNameProblem}, safe to send to a client and to log: the name
 * is quoted with every character outside printable ASCII escaped as `\uXXXX` (so a control
 * character or a look-alike never appears raw), and cut to 40 characters. It is the message of
 * the `ERR_FIELD_NAME_INVALID` errors that `policy.authorize()` and the adapters' guards throw.
 *
 * @example
 * ```ts
 * import { chatshipperPolicy, describeFieldNameProblem } from '@scopeladder/core';
 *
 * const problem = chatshipperPolicy.checkFieldName('User', 'r\u043ele');
 * if (problem) describeFieldNameProblem('r\u043ele', problem);
 * // 'Field name "r\\u043ele" looks like the protected field "role"'
 * ```
 */
export function describeFieldNameProblem(name: string, problem: FieldNameProblem): string {
  switch (problem.reason) {
    case 'control_character':
      return `Field name ${quoted(name)} contains a control character`;
    case 'reserved':
      return `Field name ${quoted(name)} is reserved`;
    default:
      return `Field name ${quoted(name)} looks like the protected field ${quoted(problem.protectedField)}`;
  }
}
