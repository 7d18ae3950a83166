/**
 * The body field names every adapter's guard refuses on a `User` (400 ERR_FIELD_NAME_INVALID):
 * control characters anywhere, and look-alikes of its protected fields (id, role, scopes, scope,
 * organization, kind, apiToken(s), apiKey(s), passwordHash). One list for the conformance suite
 * and the reference server's end-to-end tests.
 */
export const HOSTILE_USER_FIELDS: readonly (readonly [label: string, name: string])[] = [
  ['NUL after role', 'role\u0000'],
  ['a control character in an unprotected name', 'nick\u0007name'],
  ['a line separator', 'name\u2028'],
  ['Cyrillic о', 'r\u043Ele'],
  ['Greek omicron', 'r\u03BFle'],
  ['fullwidth', '\uFF52\uFF4F\uFF4C\uFF45'],
  ['leading space', ' role'],
  ['capitalised', 'Role'],
  ['upper case', 'ROLE'],
  ['zero-width space', 'r\u200Bole'],
  ['a look-alike with a sub-path', 'r\u043Ele.x'],
  ['Cyrillic ѕ in scopes', '\u0455copes'],
  ['upper-case scopes', 'SCOPES'],
  ['lower-case apitoken', 'apitoken'],
  ['lower-case passwordhash', 'passwordhash'],
];
