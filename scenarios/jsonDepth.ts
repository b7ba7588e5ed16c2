// The nesting depth of JSON text, counted without recursion: inputs deeper than MAX_JSON_DEPTH are
// refused before JSON.parse or any recursive walk (validation, JSON.stringify) can overflow the stack.

/** Deepest nesting a JSON input may have: far above any real scenario, far below the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * How deep `text` nests (arrays and objects), counted without recursion so a 1,000,000-deep
 * document cannot overflow the stack; stops counting past `limit`.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

