import { describe, expect, it } from "vitest";
import { applyProgress, finishStages, initialStages } from "./stages";

describe("stage progress from server-sent events", () => {
  it("shows the counts of the running stage and marks earlier stages done", () => {
    let s = initialStages();
    s = applyProgress(s, { stage: "compile", done: null, total: null });
    s = applyProgress(s, { stage: "explore", done: 120, total: 2000, test: "OppositeTransfers" });
    expect(s.compile.state).toBe("done");
    expect(s.police.state).toBe("done");
    expect(s.explore).toMatchObject({ state: "active", done: 120, total: 2000, test: "OppositeTransfers" });
    expect(s.stress.state).toBe("waiting");
  });

  it("ignores a stage it does not know instead of breaking the bars", () => {
    const s = initialStages();
    expect(applyProgress(s, { stage: "teleport" as never, done: 1, total: 2 })).toBe(s);
  });

  it("ends with no stage still active", () => {
    let s = applyProgress(initialStages(), { stage: "stress", done: 3, total: 300 });
    s = finishStages(s);
    expect(Object.values(s).some((x) => x.state === "active")).toBe(false);
  });
});
