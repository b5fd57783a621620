import { describe, expect, it } from "vitest";
import type { TraceStep } from "../api/types";
import { layoutTrace, stepLabel, stepWhere } from "./layout";

const step = (n: number, thread: number, action: string, extra: Partial<TraceStep> = {}): TraceStep => ({
  step: n, thread, threadName: thread === 0 ? "main" : `thread ${thread}`, action, ...extra,
});

describe("step labels: the learner's words, and whose code took the step", () => {
  it("names the release at the end of a lock statement after the lock, not a Monitor.Exit the learner never wrote", () => {
    expect(stepLabel(step(0, 1, "Monitor.Exit(lock A)", { line: 30, lockStatementLine: 27 }))).toBe("releases lock A (end of lock at line 27)");
    expect(stepLabel(step(1, 1, "Monitor.Exit(lock B)", { line: 41 }))).toBe("Monitor.Exit(lock B)");
  });

  it("says when a Try* call returned false", () => {
    expect(stepLabel(step(0, 1, "ChannelWriter.TryWrite", { line: 50, result: "false" }))).toBe("ChannelWriter.TryWrite → false");
  });

  it("shows the test's own steps as the test's, never on a learner line", () => {
    expect(stepWhere(step(0, 1, "Interlocked.Increment", { byTest: true }))).toBe(" (test)");
    expect(stepWhere(step(1, 1, "Interlocked.Increment", { line: 22 }))).toBe(" :22");
    const layout = layoutTrace([step(0, 1, "Interlocked.Increment", { byTest: true }), step(1, 2, "Monitor.Exit(lock A)", { line: 30, lockStatementLine: 27 })]);
    expect(layout.rows.flatMap((r) => (r.kind === "step" ? [r.label] : []))).toEqual(["Interlocked.Increment", "releases lock A (end of lock at line 27)"]);
  });

  it("a failed TryEnter takes no lock: no deadlock cycle through it", () => {
    const layout = layoutTrace([
      step(0, 1, "Monitor.Enter(lock A)", { line: 27 }),
      step(1, 2, "Monitor.TryEnter(lock B)", { line: 40, result: "false" }),
      step(2, 2, "blocked: waits for lock A"),
      step(3, 1, "blocked: waits for lock B"),
    ], "deadlock");
    expect(layout.cycle).toEqual([]);
  });

  it("a lock statement's release still frees the lock for the picture's analysis", () => {
    const layout = layoutTrace([
      step(0, 1, "Monitor.Enter(lock A)", { line: 27 }),
      step(1, 2, "Monitor.Enter(lock B)", { line: 40 }),
      step(2, 1, "Monitor.Exit(lock A)", { line: 30, lockStatementLine: 27 }),
      step(3, 2, "blocked: waits for lock A"),
      step(4, 1, "blocked: waits for lock B"),
    ], "deadlock");
    expect(layout.cycle).toEqual([]);
  });
});
