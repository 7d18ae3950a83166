import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkFieldName,
  chatshipperFields,
  definePolicy,
  describeFieldNameProblem,
  httpErrorFor,
  isScopeladderError,
  subject,
  type FieldNameProblem,
} from './index.js';
import { chatshipperMatrixPolicy } from './test-helpers/chatshipper-matrix-policy.js';

const USER_PROTECTED: readonly string[] = chatshipperFields.User.update.protected;
const confusable = (protectedField: string): FieldNameProblem => ({ reason: 'confusable', protectedField });
const CONTROL: FieldNameProblem = { reason: 'control_character' };

describe('checkFieldName', () => {
  it.each<readonly [string, string, FieldNameProblem | null]>([
    ['NUL after a protected name', 'role\u0000', CONTROL],
    ['a control character in any name', 'nick\u0007name', CONTROL],
    ['DEL', 'name\u007f', CONTROL],
    ['a C1 control (NEL)', 'na\u0085me', CONTROL],
    ['a line separator', 'name\u2028', CONTROL],
    ['a paragraph separator', '\u2029name', CONTROL],
    ['a newline in a sub-path of a protected name', 'role.a\nb', CONTROL],
    ['Cyrillic о', 'r\u043Ele', confusable('role')],
    ['Greek omicron', 'r\u03BFle', confusable('role')],
    ['fullwidth letters', '\uFF52\uFF4F\uFF4C\uFF45', confusable('role')],
    ['a leading space', ' role', confusable('role')],
    ['a trailing no-break space', 'role\u00A0', confusable('role')],
    ['an ideographic space', '\u3000role', confusable('role')],
    ['capitalised', 'Role', confusable('role')],
    ['upper case', 'ROLE', confusable('role')],
    ['a zero-width space', 'r\u200Bole', confusable('role')],
    ['a zero-width joiner', 'ro\u200Dle', confusable('role')],
    ['a soft hyphen', 'ro\u00ADle', confusable('role')],
    ['a byte-order mark', '\uFEFFrole', confusable('role')],
    ['a right-to-left override', '\u202Erole', confusable('role')],
    ['a variation selector', 'role\uFE0F', confusable('role')],
    ['Cyrillic capitals О and Е', 'R\u041EL\u0415', confusable('role')],
    ['Cyrillic Р is a P, not an R', '\u0420ole', null],
    ['Greek capital Eta in passwordHash', 'password\u0397ash', confusable('passwordHash')],
    ['lower-case passwordHash', 'passwordhash', confusable('passwordHash')],
    ['Cyrillic і and ԁ in id', '\u0456\u0501', confusable('id')],
    ['mathematical bold letters', '\u{1D42B}\u{1D428}\u{1D425}\u{1D41E}', confusable('role')],
    ['Cyrillic ѕ in scopes', '\u0455copes', confusable('scopes')],
    ['a look-alike with a sub-path', 'r\u043Ele.x', confusable('role')],
    ['a case variant with a sub-path', 'Role.x', confusable('role')],
    ['padding inside the first segment', ' role .x', confusable('role')],
    ['a fullwidth full stop after the exact name', 'role\uFF0Ex', confusable('role')],
    ['the exact protected name', 'role', null],
    ['an exact sub-path (the policy decides)', 'role.x', null],
    ['an exact sub-path with a look-alike after the dot', 'role.\u0445', null],
    ['a longer name', 'roles', null],
    ['a different name', 'name', null],
    ['a diacritic is a visible difference', 'r\u00F2le', null],
    ['an ASCII look-alike is out of scope', 'ro1e', null],
    ['a Cyrillic word', '\u0438\u043C\u044F', null],
    ['the empty name', '', null],
    ['a name containing a protected one', 'myrole', null],
    ['a protected name as a later segment', 'x.role', null],
  ])('%s: %j', (_label, name, expected) => {
    expect(checkFieldName(name, USER_PROTECTED)).toEqual(expected);
  });

  it('without protected fields, only control characters are a problem', () => {
    expect(checkFieldName('r\u043Ele', [])).toBeNull();
    expect(checkFieldName('Role', [])).toBeNull();
    expect(checkFieldName('topic\u0000', [])).toEqual(CONTROL);
  });

  it("takes protected names with dots too (sub-paths of them are the policy's)", () => {
    expect(checkFieldName('profile.role', ['profile.role'])).toBeNull();
    expect(checkFieldName('profile.role.x', ['profile.role'])).toBeNull();
    expect(checkFieldName('profile.R\u043Ele', ['profile.role'])).toEqual(confusable('profile.role'));
  });

  it('answers the same for a frozen list (cached) and a mutable one, and sees changes to the mutable one', () => {
    const mutable = ['role'];
    expect(checkFieldName('Scopes', mutable)).toBeNull();
    mutable.push('scopes');
    expect(checkFieldName('Scopes', mutable)).toEqual(confusable('scopes'));
    const frozen = Object.freeze(['role', 'scopes']);
    expect(checkFieldName('Scopes', frozen)).toEqual(confusable('scopes'));
    expect(checkFieldName('Scopes', frozen)).toEqual(confusable('scopes'));
  });

  it('throws a TypeError for a caller mistake', () => {
    expect(() => checkFieldName(1 as never, USER_PROTECTED)).toThrow(TypeError);
    expect(() => checkFieldName('role', 'role' as never)).toThrow(TypeError);
    expect(() => checkFieldName('role', [1] as never)).toThrow(TypeError);
  });
});

describe('policy.checkFieldName', () => {
  it('uses the union of the protected fields of every action of the type', () => {
    const policy = definePolicy({
      scopes: ['user', 'admin'],
      matrix: {
        Note: { create: { any: 'admin', self: 'user' }, update: { any: 'admin', self: 'user' } },
        Tag: { create: 'user', update: 'user' },
      },
      fields: { Note: { create: { protected: ['owner'] }, update: { protected: ['locked'] } } },
    });
    expect(policy.checkFieldName('Note', 'Owner')).toEqual(confusable('owner'));
    expect(policy.checkFieldName('Note', 'L\u043Ecked')).toEqual(confusable('locked'));
    expect(policy.checkFieldName('Note', 'owner')).toBeNull();
    expect(policy.checkFieldName('Tag', 'Owner')).toBeNull();
    expect(policy.checkFieldName('Tag', 'owner\u0000')).toEqual(CONTROL);
    expect(policy.checkFieldName('Nope' as never, 'x\u0001')).toEqual(CONTROL);
    expect(policy.checkFieldName('Nope' as never, 'Owner')).toBeNull();
    expect(policy.checkFieldName('__proto__' as never, 'Owner')).toBeNull();
  });

  it("chatshipperMatrixPolicy: a User's protected fields count for create too", () => {
    expect(chatshipperMatrixPolicy.checkFieldName('User', 'r\u043Ele')).toEqual(confusable('role'));
    expect(chatshipperMatrixPolicy.checkFieldName('User', 'name')).toBeNull();
    expect(chatshipperMatrixPolicy.checkFieldName('Conversation', 'r\u043Ele')).toBeNull();
  });
});

// Look-alikes the table maps, per ASCII letter (a sample of each kind).
const LOOK_ALIKES: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430', '\u03B1', '\u0410', '\u0391', '\uFF41', '\u{1D6C2}'],
  c: ['\u0441', '\u03F2', '\u03F9', '\u0421'],
  d: ['\u0501'],
  e: ['\u0435', '\u0415', '\u0395', '\uFF45'],
  h: ['\u04BB', '\u041D', '\u0397'],
  i: ['\u0456', '\u03B9', '\u0131', '\u0406'],
  k: ['\u041A', '\u039A', '\u03BA'],
  l: ['\u04CF', '\u04C0', '\uFF4C'],
  n: ['\u039D', '\u03B7'],
  o: ['\u043E', '\u03BF', '\u041E', '\u039F', '\uFF4F'],
  p: ['\u0440', '\u03C1', '\u0420', '\u03A1'],
  r: ['\uFF52', '\u{1D42B}'],
  s: ['\u0455', '\u0405', '\uFF53'],
  t: ['\u0422', '\u03A4'],
  y: ['\u0443', '\u04AF', '\u03B3'],
};
const ZERO_WIDTH = ['\u200B', '\u200C', '\u200D', '\u2060', '\u00AD', '\uFEFF', '\u202E'];
const PADDING = fc.constantFrom('', ' ', '\u00A0', '\u2003', '\u3000');

/** `field` disguised: random case, look-alike substitutions, zero-width characters, padding. */
function disguised(field: string): fc.Arbitrary<string> {
  const characters = [...field].map((character) =>
    fc
      .tuple(
        fc.constantFrom(character.toLowerCase(), character.toUpperCase(), ...(LOOK_ALIKES[character.toLowerCase()] ?? [])),
        fc.option(fc.constantFrom(...ZERO_WIDTH), { nil: '' }),
      )
      .map(([shown, invisible]) => shown + invisible),
  );
  return fc.tuple(PADDING, fc.tuple(...characters), PADDING).map(([before, middle, after]) => before + middle.join('') + after);
}

describe('checkFieldName properties', () => {
  it('any disguise of a protected name (not the name itself) is refused as confusable with it', () => {
    const arbitrary = fc.constantFrom(...USER_PROTECTED).chain((field) => fc.tuple(fc.constant(field), disguised(field)));
    fc.assert(
      fc.property(arbitrary, ([field, name]) => {
        fc.pre(name !== field);
        expect(checkFieldName(name, USER_PROTECTED)).toEqual(confusable(field));
        expect(checkFieldName(`${name}.sub`, USER_PROTECTED)).toEqual(confusable(field));
      }),
      { numRuns: 2000 },
    );
  });

  it('a control character anywhere is refused, whatever the rest of the name', () => {
    const control = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f }), fc.constantFrom(0x2028, 0x2029));
    fc.assert(
      fc.property(fc.string(), control, fc.string(), (before, code, after) => {
        const name = before + String.fromCharCode(code) + after;
        expect(checkFieldName(name, USER_PROTECTED)).toEqual(CONTROL);
        expect(checkFieldName(name, [])).toEqual(CONTROL);
      }),
    );
  });

  it('ASCII identifiers whose lower case is no protected name (nor its sub-path) are accepted', () => {
    const lowered = new Set(USER_PROTECTED.map((field) => field.toLowerCase()));
    const identifier = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$-]{0,20}$/);
    fc.assert(
      fc.property(identifier, (name) => {
        fc.pre(!lowered.has(name.toLowerCase()));
        expect(checkFieldName(name, USER_PROTECTED)).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  it('the exact protected names and their sub-paths are never a name problem (the policy decides)', () => {
    const subPath = fc.stringMatching(/^[\x20-\x7e\u0400-\u04ff]{0,12}$/);
    fc.assert(
      fc.property(fc.constantFrom(...USER_PROTECTED), subPath, (field, rest) => {
        expect(checkFieldName(field, USER_PROTECTED)).toBeNull();
        expect(checkFieldName(`${field}.${rest}`, USER_PROTECTED)).toBeNull();
      }),
    );
  });
});

describe('policy.authorize refuses field names that are never legitimate', () => {
  const id = '64b7f0c2a1e4d3b2c1a09f8e';
  const guest = { id, scopes: ['guest'] };
  const admin = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', scopes: ['admin'] };
  const own = () => subject('User', { id });

  it.each([['Role'], [' role'], ['r\u043Ele'], ['role\u0000'], ['nick\u0007name'], ['ROLE.x']])(
    '%j: ERR_FIELD_NAME_INVALID for a guest on its own record and for an admin, before any permission',
    (name) => {
      for (const [principal, target] of [
        [guest, own()],
        [admin, own()],
        [admin, 'User'],
        [guest, subject('User', { id: 'someone-else' })],
      ] as const) {
        let error: unknown;
        try {
          chatshipperMatrixPolicy.authorize(principal, 'update', target, ['name', name]);
        } catch (caught) {
          error = caught;
        }
        expect(isScopeladderError(error) && error.code).toBe('ERR_FIELD_NAME_INVALID');
        expect((error as Error).message).not.toMatch(/[^\x20-\x7e]/);
        expect(httpErrorFor(error).status).toBe(400);
      }
    },
  );

  it('still lets the policy decide exact protected names and ordinary ones', () => {
    expect(() => chatshipperMatrixPolicy.authorize(guest, 'update', own(), ['name', 'nickname'])).not.toThrow();
    expect(() => chatshipperMatrixPolicy.authorize(admin, 'update', own(), ['role'])).not.toThrow();
    let error: unknown;
    try {
      chatshipperMatrixPolicy.authorize(guest, 'update', own(), ['role']);
    } catch (caught) {
      error = caught;
    }
    expect(isScopeladderError(error) && error.code).toBe('ERR_INSUFFICIENT_SCOPE');
  });

  it('describeFieldNameProblem escapes everything outside printable ASCII and cuts long names', () => {
    expect(describeFieldNameProblem('r\u043Ele', { reason: 'confusable', protectedField: 'role' })).toBe(
      'Field name "r\\u043ele" looks like the protected field "role"',
    );
    expect(describeFieldNameProblem('a\u0000"\\', { reason: 'control_character' })).toBe(
      'Field name "a\\u0000\\u0022\\u005c" contains a control character',
    );
    expect(describeFieldNameProblem('x'.repeat(50), { reason: 'control_character' })).toBe(
      `Field name "${'x'.repeat(40)}"... contains a control character`,
    );
  });
});

describe('names a security review found', () => {
  it.each([
    ['Braille blank after the name', 'role\u2800'],
    ['Hangul filler after the name', 'role\u3164'],
    ['small capital R', '\u0280ole'],
    ['small capital E', 'rol\u1D07'],
    ['dental click for l', 'ro\u01C0e'],
    ['r with fishhook', '\u027Eole'],
  ])('%s is a look-alike of role', (_label, name) => {
    expect(chatshipperMatrixPolicy.checkFieldName('User', name)).toEqual({ reason: 'confusable', protectedField: 'role' });
  });

  it('__proto__ is reserved on every type, protected fields or none, and authorize refuses it', () => {
    expect(chatshipperMatrixPolicy.checkFieldName('User', '__proto__')).toEqual({ reason: 'reserved' });
    expect(chatshipperMatrixPolicy.checkFieldName('Conversation', '__proto__')).toEqual({ reason: 'reserved' });
    expect(checkFieldName('__proto__', [])).toEqual({ reason: 'reserved' });
    expect(checkFieldName('__proto__', ['role'])).toEqual({ reason: 'reserved' });
    expect(checkFieldName('constructor', ['role'])).toBeNull();
    const admin = { id: 'aaaaaaaaaaaaaaaaaaaaaaaa', scopes: ['admin'] };
    let error: unknown;
    try {
      chatshipperMatrixPolicy.authorize(admin, 'update', 'Conversation', ['__proto__']);
    } catch (caught) {
      error = caught;
    }
    expect(isScopeladderError(error) && error.code).toBe('ERR_FIELD_NAME_INVALID');
    expect((error as Error).message).toBe('Field name "__proto__" is reserved');
  });
});
