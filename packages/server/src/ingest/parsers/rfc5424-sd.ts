/**
 * RFC 5424 STRUCTURED-DATA: `[id k="v" k2="a\"b"][id2 ...]` or `-`. Values may hold `]`, `"` and `\`
 * when escaped with a backslash, so it is read character by character rather than with a regex.
 */

export interface StructuredDataResult {
  data: Record<string, Record<string, string>>;
  /** What follows the structured data: the free-text MSG (one leading space removed). */
  rest: string;
}

export function parseStructuredData(text: string): StructuredDataResult {
  const data: Record<string, Record<string, string>> = {};
  if (text.startsWith("-")) return { data, rest: text.slice(text[1] === " " ? 2 : 1) };
  let i = 0;
  while (text[i] === "[") {
    const end = readElement(text, i, data);
    if (end < 0) return { data: {}, rest: text }; // malformed: keep the whole text as the message
    i = end;
  }
  return { data, rest: text.slice(text[i] === " " ? i + 1 : i) };
}

/** Reads one `[id params]` starting at `start`; returns the index after `]`, or -1 when malformed. */
function readElement(text: string, start: number, out: Record<string, Record<string, string>>): number {
  let i = start + 1;
  const idEnd = scanName(text, i);
  const id = text.slice(i, idEnd);
  if (!id) return -1;
  const params: Record<string, string> = out[id] ?? {};
  out[id] = params;
  i = idEnd;
  while (i < text.length) {
    if (text[i] === "]") return i + 1;
    if (text[i] !== " ") return -1;
    i++;
    const nameEnd = scanName(text, i);
    const name = text.slice(i, nameEnd);
    if (!name || text[nameEnd] !== "=" || text[nameEnd + 1] !== '"') return -1;
    i = nameEnd + 2;
    let value = "";
    while (i < text.length && text[i] !== '"') {
      const ch = text[i] as string;
      if (ch === "\\" && i + 1 < text.length) {
        const next = text[i + 1] as string;
        // RFC 5424 §6.3.3: only \" \\ \] are escapes; any other backslash is kept as written.
        value += next === '"' || next === "\\" || next === "]" ? next : ch + next;
        i += 2;
      } else {
        value += ch;
        i++;
      }
    }
    if (i >= text.length) return -1;
    params[name] = value;
    i++;
  }
  return -1;
}

function scanName(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    // SD-NAME: printable US-ASCII except '=', SP, ']', '"'
    if (c <= 32 || c > 126 || c === 61 || c === 93 || c === 34) break;
    i++;
  }
  return i;
}
