import { describe, expect, it } from "vitest";
import { toMarkers } from "./diagnostics";

const lines = ["class X {", "  void M() { int x = }", "}"];
const len = (l: number) => lines[l - 1].length;

describe("toMarkers", () => {
  it("puts a span at its 1-based position with its code and source", () => {
    const [m] = toMarkers([{ severity: "warning", id: "KS0001", message: "File is not allowed", line: 2, column: 3, endLine: 2, endColumn: 7, source: "policy" }], len, 3);
    expect(m).toMatchObject({ severity: 4, code: "KS0001", source: "policy", startLineNumber: 2, startColumn: 3, endLineNumber: 2, endColumn: 7 });
  });

  it("widens a zero-width error (\"; expected\") so it can be seen and hovered", () => {
    const [m] = toMarkers([{ severity: "error", id: "CS1002", message: "; expected", line: 2, column: 22 }], len, 3);
    expect(m.severity).toBe(8);
    expect(m.endColumn).toBeGreaterThan(m.startColumn);
  });

  it("keeps a diagnostic past the end of the code inside the model", () => {
    const [m] = toMarkers([{ severity: "error", id: "CS1513", message: "} expected", line: 40, column: 1 }], len, 3);
    expect(m.startLineNumber).toBe(3);
    expect(m.endLineNumber).toBe(3);
  });
});
