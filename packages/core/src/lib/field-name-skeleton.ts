// The "skeleton" of a field name: what it looks like, reduced to a canonical string, so that two
// names that a person reading a record would take for the same name get the same skeleton. Used
// by checkFieldName and by policies (which precompute the skeletons of their protected fields).

/** C0 controls, DEL, C1 controls, LINE SEPARATOR and PARAGRAPH SEPARATOR. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Characters that show nothing: default-ignorable and format characters (zero-width space and
 * joiners, soft hyphen, BOM, bidi controls, variation selectors, Hangul fillers…), and the blank
 * glyphs that are neither (U+2800 BRAILLE PATTERN BLANK).
 */
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu;

/** Printable ASCII without a space: NFKC, invisible removal and trimming change nothing. */
const PLAIN_ASCII = /^[\x21-\x7e]*$/;

/** Whether a text has a default-ignorable or format character (a cheaper test before the replace). */
const HAS_INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/u;

/**
 * Look-alikes of ASCII letters and digits, case-sensitive (applied before lower-casing, so Greek
 * capital Eta `Η` is an `H` while small eta `η` is an `n`). Deliberately small: the Cyrillic,
 * Greek and Latin letters whose glyphs are the same as an ASCII letter's or digit's in common
 * fonts. Fullwidth and mathematical letters need no entry: NFKC already maps them to ASCII.
 */
const CONFUSABLES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    // Cyrillic capitals
    А: 'A',
    В: 'B',
    Е: 'E',
    З: '3',
    Ѕ: 'S',
    І: 'I',
    Ј: 'J',
    К: 'K',
    М: 'M',
    Н: 'H',
    О: 'O',
    Р: 'P',
    С: 'C',
    Т: 'T',
    У: 'Y',
    Х: 'X',
    Һ: 'H',
    Ү: 'Y',
    Ԁ: 'D',
    Ԛ: 'Q',
    Ԝ: 'W',
    Ӏ: 'l',
    // Cyrillic small letters
    а: 'a',
    б: '6',
    е: 'e',
    з: '3',
    ѕ: 's',
    і: 'i',
    ј: 'j',
    о: 'o',
    р: 'p',
    с: 'c',
    у: 'y',
    х: 'x',
    һ: 'h',
    ү: 'y',
    ԁ: 'd',
    ԛ: 'q',
    ԝ: 'w',
    ӏ: 'l',
    // Greek capitals
    Α: 'A',
    Β: 'B',
    Ε: 'E',
    Ζ: 'Z',
    Η: 'H',
    Ι: 'I',
    Κ: 'K',
    Μ: 'M',
    Ν: 'N',
    Ο: 'O',
    Ρ: 'P',
    Τ: 'T',
    Υ: 'Y',
    Χ: 'X',
    Ϲ: 'C',
    Ϳ: 'J',
    // Greek small letters
    α: 'a',
    ι: 'i',
    ν: 'v',
    ο: 'o',
    ρ: 'p',
    υ: 'u',
    γ: 'y',
    η: 'n',
    κ: 'k',
    χ: 'x',
    ϲ: 'c',
    ϳ: 'j',
    // Latin letters outside ASCII that NFKC keeps, small capitals among them
    ı: 'i',
    ȷ: 'j',
    ɑ: 'a',
    ɡ: 'g',
    ɩ: 'i',
    ʏ: 'y',
    ᴏ: 'o',
    ǀ: 'l',
    ɾ: 'r',
    ʀ: 'r',
    ᴇ: 'e',
    ᴅ: 'd',
    ʟ: 'l',
    ɪ: 'i',
    ᴄ: 'c',
    ᴋ: 'k',
    ᴍ: 'm',
    ɴ: 'n',
    ᴘ: 'p',
    ꜱ: 's',
    ᴛ: 't',
    ᴜ: 'u',
    ᴠ: 'v',
    ᴡ: 'w',
    ᴢ: 'z',
    ʜ: 'h',
    ɢ: 'g',
    ᴊ: 'j',
    ᴀ: 'a',
    ʙ: 'b',
  }),
);

/** `text` with every look-alike in {@link CONFUSABLES} replaced (a loop: faster than a replace callback). */
function mapConfusables(text: string): string {
  let mapped = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) continue;
    const replacement = CONFUSABLES[text.charAt(i)];
    if (replacement === undefined) continue;
    mapped += text.slice(from, i) + replacement;
    from = i + 1;
  }
  return from === 0 ? text : mapped + text.slice(from);
}

/** Whether `name` contains a control character (C0, DEL, C1, U+2028, U+2029). */
export function hasControlCharacter(name: string): boolean {
  return CONTROL_CHARACTER.test(name);
}

/**
 * The skeleton of a field name: NFKC, without default-ignorable and format characters, trimmed
 * of Unicode white space, look-alikes mapped through {@link CONFUSABLES} (before and after NFKC),
 * then lower-cased
 * (`toLowerCase` after NFKC stands in for full case folding; they differ only for a few letters
 * such as `ß`, none of which has an ASCII look-alike).
 */
export function skeletonOf(name: string): string {
  if (PLAIN_ASCII.test(name)) return name.toLowerCase();
  return skeletonOfNonPlain(name);
}

/** Whether `name` is printable ASCII without spaces: no control character, its skeleton is its lower case. */
export function isPlainAscii(name: string): boolean {
  return PLAIN_ASCII.test(name);
}

/** {@link skeletonOf} for a name that is not {@link isPlainAscii}. */
export function skeletonOfNonPlain(name: string): string {
  // Mapped before NFKC too: NFKC turns a few look-alikes into letters that are none (lunate
  // sigma `ϲ`, a `c`, becomes final sigma `ς`); and after, for what NFKC makes one (`𝛂` → `α`).
  let text = mapConfusables(name).normalize('NFKC');
  if (HAS_INVISIBLE.test(text)) text = text.replace(INVISIBLE, '');
  return mapConfusables(text.trim()).toLowerCase();
}

/** The first path segment of a skeleton (before the first `.`), or `null` when it has none. */
export function firstSegmentOf(skeleton: string): string | null {
  const dot = skeleton.indexOf('.');
  return dot === -1 ? null : skeleton.slice(0, dot).trim();
}
