const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Whether JSON `text` nests objects and arrays deeper than `maxDepth` (`{}` and `[]` are depth
 * 1, a scalar 0). One linear pass over the characters, without recursion and without parsing:
 * brackets inside strings (escapes included) do not count. Stops at the first bracket over the
 * limit, so a body of 100 KiB of `[` costs almost nothing. For text that is not valid JSON the
 * answer only bounds what `JSON.parse` would build; the parse decides whether it is JSON.
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = endOfString(text, index);
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * The index of the quote that closes the string opened at `open` (the text's length when it
 * never closes). Jumps from quote to quote with `indexOf`; a quote is escaped when an odd
 * number of backslashes precedes it.
 */
function endOfString(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return text.length;
}
