// Pastes in the candidate's editor: a large insert is kept as a span of the text, moved along by later edits, and sent
// with the next snapshot as the lines it covers in the code sent (so the interviewer's replay can mark them).

/** An insert of at least this many characters at once is reported as a paste. */
export const PASTE_CHARS = 40;

/** One edit: at `start`, `removed` characters were replaced by `inserted` ones. */
export interface Edit { start: number; removed: number; inserted: number }

/** A pasted span of the current text, [from, to), and how many characters were pasted. */
export interface PastedSpan { id: number; from: number; to: number; chars: number }

/** What the server keeps per paste: lines line..endLine of the code sent, and the pasted length. */
export interface Paste { line: number; endLine: number; chars: number }

/** The single edit that turns `before` into `after`: the text between the parts that did not change. */
export function editBetween(before: string, after: string): Edit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { start, removed: before.length - start - end, inserted: after.length - start - end };
}

/** The spans after an edit: moved when it is before them, grown or cut when it is inside, dropped when it deleted them whole. */
export function shiftSpans(spans: PastedSpan[], { start, removed, inserted }: Edit): PastedSpan[] {
  const delta = inserted - removed;
  const cutEnd = start + removed;
  const moved = (at: number, isEnd: boolean) => {
    if (at < start || (isEnd && at === start)) return at;
    if (at >= cutEnd) return at + delta;
    return isEnd ? start : start + inserted; // inside the removed text
  };
  return spans.map((s) => ({ ...s, from: moved(s.from, false), to: moved(s.to, true) })).filter((s) => s.to > s.from);
}

let nextId = 1;

/** Tracks one edit: moves the spans, and adds the edit as a paste when it inserted PASTE_CHARS or more at once. */
export function trackEdit(spans: PastedSpan[], before: string, after: string): PastedSpan[] {
  const edit = editBetween(before, after);
  const shifted = shiftSpans(spans, edit);
  return edit.inserted >= PASTE_CHARS
    ? [...shifted, { id: nextId++, from: edit.start, to: edit.start + edit.inserted, chars: edit.inserted }]
    : shifted;
}

/** The spans as line ranges of `text` (1-based, inclusive). */
export function toPastes(spans: PastedSpan[], text: string): Paste[] {
  const lineAt = (offset: number) => {
    let line = 1;
    for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
    return line;
  };
  return spans.map((s) => ({ line: lineAt(s.from), endLine: lineAt(Math.max(s.from, s.to - 1)), chars: s.chars }));
}

/** A snapshot's stored pastes ("line-endLine:chars;…", or the older "line:chars") as ranges. */
export function parsePastes(stored: string | null): Paste[] {
  return (stored ?? "").split(";").filter(Boolean).map((item) => {
    const [lines, chars] = item.split(":");
    const [line, endLine] = lines.split("-").map(Number);
    return { line, endLine: endLine ?? line, chars: Number(chars) };
  });
}
