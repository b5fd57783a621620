import { describe, expect, it } from "vitest";
import { editBetween, parsePastes, shiftSpans, toPastes, trackEdit, type PastedSpan } from "./pastes";

describe("editBetween", () => {
  it("counts a typed character as one inserted", () => {
    expect(editBetween("a\nbc", "a\nbxc")).toEqual({ start: 3, removed: 0, inserted: 1 });
  });
  it("counts a paste over a selection as the text removed and the text pasted", () => {
    expect(editBetween("class A { old }", "class A { brand new body }")).toEqual({ start: 10, removed: 3, inserted: 14 });
  });
  it("counts a deletion as nothing inserted", () => {
    expect(editBetween("abcdef", "abf").inserted).toBe(0);
  });
});

describe("pasted spans", () => {
  const pasted = "lock (gate)\n{\n    total++;\n}\n// more text to pass forty characters\n";
  const starter = "class Counter\n{\n}\n";

  it("records where a paste landed as the lines it covers", () => {
    const after = starter.replace("{\n", "{\n" + pasted);
    const spans = trackEdit([], starter, after);
    expect(spans).toHaveLength(1);
    expect(toPastes(spans, after)).toEqual([{ line: 3, endLine: 7, chars: pasted.length }]);
  });

  it("moves a paste down when lines are typed above it, and ignores typing below it", () => {
    const after = starter.replace("{\n", "{\n" + pasted);
    let spans = trackEdit([], starter, after);
    const typedAbove = "// note\n" + after;
    spans = trackEdit(spans, after, typedAbove);
    const typedBelow = typedAbove + "// end\n";
    spans = trackEdit(spans, typedAbove, typedBelow);
    expect(toPastes(spans, typedBelow)).toEqual([{ line: 4, endLine: 8, chars: pasted.length }]);
  });

  it("shrinks a paste that was partly deleted and drops one deleted whole", () => {
    const spans: PastedSpan[] = [{ id: 1, from: 10, to: 20, chars: 10 }, { id: 2, from: 30, to: 40, chars: 10 }];
    const shifted = shiftSpans(spans, { start: 15, removed: 25, inserted: 0 });
    expect(shifted).toEqual([{ id: 1, from: 10, to: 15, chars: 10 }]);
  });

  it("reads the stored ranges and the older first-line items", () => {
    expect(parsePastes("3-7:120;9:50")).toEqual([{ line: 3, endLine: 7, chars: 120 }, { line: 9, endLine: 9, chars: 50 }]);
    expect(parsePastes(null)).toEqual([]);
  });
});
