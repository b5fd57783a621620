import { describe, expect, it } from "vitest";
import { insertion } from "./CandidatePage";

describe("insertion", () => {
  it("counts a typed character as one", () => {
    expect(insertion("a\nbc", "a\nbxc")).toEqual({ line: 2, inserted: 1 });
  });
  it("counts a paste over a longer selection as the pasted text", () => {
    const starter = "class Bank {\n  // a long starter comment that the paste replaces entirely\n}\n";
    const pasted = "class Bank { object gate = new(); }\n";
    expect(insertion(starter, pasted).inserted).toBeGreaterThanOrEqual(pasted.length - "class Bank {".length - 2);
  });
  it("counts a deletion as nothing inserted", () => {
    expect(insertion("abcdef", "abf").inserted).toBe(0);
  });
});
