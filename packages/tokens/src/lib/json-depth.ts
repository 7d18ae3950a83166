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
  let inString = false;
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index += 1; // the escaped character, whatever it is
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}
