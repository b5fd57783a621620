import { describe, expect, it } from "vitest";
import type { GradeReport, TraceStep } from "../api/types";
import { layoutTrace } from "./layout";
import { analyzeTrace } from "./analysis";
import deadlockReport from "./fixtures/deadlock-transfer.explore.json";
import hitCounterReport from "./fixtures/hit-counter.explore.json";

const deadlock = (deadlockReport as GradeReport).findings.find((f) => f.kind === "deadlock")!;
const lostUpdate = (hitCounterReport as GradeReport).findings.find((f) => f.test === "NoLostIncrementsUnderContention")!;

const step = (n: number, thread: number, action: string, line?: number): TraceStep => ({
  step: n, thread, threadName: thread === 0 ? "main" : `thread ${thread}`, action, line,
});

describe("layoutTrace on a real deadlock (kata grade deadlock-transfer starter --json)", () => {
  const layout = layoutTrace(deadlock.trace!, deadlock.kind);

  it("draws one lane per thread, in order of first appearance", () => {
    expect(layout.lanes.map((l) => l.name)).toEqual(["main", "thread 1", "thread 2"]);
    expect(new Set(layout.lanes.map((l) => l.x)).size).toBe(3);
  });

  it("finds the cycle: each thread holds one lock and waits for the other's", () => {
    expect(layout.cycle.sort()).toEqual([1, 2]);
    expect(layout.cycleText).toContain("thread 1 holds lock A, waits for lock B (held by thread 2)");
    expect(layout.cycleText).toContain("thread 2 holds lock B, waits for lock A (held by thread 1)");
  });

  it("marks the blocking steps and the steps that took the locks as the cycle", () => {
    const cycleLabels = layout.rows
      .filter((r) => r.kind === "step" && r.marks.includes("cycle"))
      .map((r) => (r.kind === "step" ? `${r.step.threadName}: ${r.label}` : ""));
    expect(cycleLabels).toContain("thread 1: blocked: waits for lock B");
    expect(cycleLabels).toContain("thread 2: blocked: waits for lock A");
    expect(cycleLabels).toContain("thread 1: Monitor.Enter(lock A)");
    expect(cycleLabels).toContain("thread 2: Monitor.Enter(lock B)");
    // Thread 1 took lock B too, but released it before the deadlock: not part of the cycle.
    const enterB = layout.rows.filter((r) => r.kind === "step" && r.step.threadName === "thread 1" && r.label === "Monitor.Enter(lock B)");
    expect(enterB.length).toBeGreaterThan(0);
    expect(enterB.some((r) => r.kind === "step" && r.marks.includes("cycle"))).toBe(false);
  });

  it("keeps every step's learner line for the editor", () => {
    const blocked = layout.rows.find((r) => r.kind === "step" && r.label === "blocked: waits for lock A");
    expect(blocked && blocked.kind === "step" && blocked.step.line).toBe(23);
  });

  it("never marks races in a deadlock", () => {
    expect(layout.racyLocations).toEqual([]);
  });
});

describe("layoutTrace on a real lost update (hit-counter starter)", () => {
  const layout = layoutTrace(lostUpdate.trace!, lostUpdate.kind);

  it("marks the unsynchronized accesses of the counter as racing", () => {
    expect(layout.racyLocations).toEqual(["HitCounter._count"]);
    const racing = layout.rows.filter((r) => r.kind === "step" && r.marks.includes("race"));
    expect(new Set(racing.map((r) => r.kind === "step" && r.step.thread)).size).toBeGreaterThanOrEqual(2);
  });

  it("highlights the stale read-modify-write, not every access", () => {
    const racing = layout.rows.filter((r) => r.kind === "step" && r.marks.includes("race"));
    const accesses = layout.rows.filter((r) => r.kind === "step" && /^(read|write) /.test(r.label));
    expect(racing.length).toBeLessThan(accesses.length / 2);
    // Each highlighted read is followed by its own thread's write, with another thread's write in between.
    const trace = lostUpdate.trace!;
    const read = racing.find((r) => r.kind === "step" && r.label.startsWith("read"));
    expect(read).toBeDefined();
    const at = read!.kind === "step" ? read!.index : -1;
    const ownWrite = trace.findIndex((s, k) => k > at && s.thread === trace[at].thread && s.action.startsWith("write"));
    expect(trace.slice(at + 1, ownWrite).some((s) => s.thread !== trace[at].thread && s.action === "write HitCounter._count")).toBe(true);
  });

  it("does not count main's read after joining every thread as a race", () => {
    const last = lostUpdate.trace![lostUpdate.trace!.length - 1];
    expect(last.action).toBe("read HitCounter._count");
    const row = layout.rows.find((r) => r.kind === "step" && r.step.step === last.step);
    expect(row && row.kind === "step" && row.marks).toEqual([]);
  });
});

describe("collapsing runs of one thread", () => {
  const trace = [
    step(0, 0, "starts"),
    step(1, 0, "Thread.Start(thread 1)"),
    ...Array.from({ length: 20 }, (_, i) => step(2 + i, 1, "read Queue._head", 10 + (i % 3))),
    step(22, 0, "Thread.Join(thread 1)"),
  ];

  it("cuts a long run to its first and last two steps with the lines it hides", () => {
    const layout = layoutTrace(trace);
    const collapsed = layout.rows.filter((r) => r.kind === "collapsed");
    expect(collapsed).toHaveLength(1);
    const c = collapsed[0];
    expect(c.kind === "collapsed" && [c.hidden, c.fromStep, c.toStep]).toEqual([16, 4, 19]);
    expect(c.kind === "collapsed" && c.label).toBe("… 16 more steps, lines 10–12");
    expect(layout.stepOrder).toHaveLength(trace.length - 16);
  });

  it("shows every step of a run the user opened", () => {
    const layout = layoutTrace(trace, undefined, { expanded: new Set([2]) });
    expect(layout.rows.filter((r) => r.kind === "collapsed")).toHaveLength(0);
    expect(layout.stepOrder).toHaveLength(trace.length);
  });

  it("never hides a highlighted step inside a run", () => {
    const racy = [
      step(0, 0, "Thread.Start(thread 1)"),
      step(1, 0, "Thread.Start(thread 2)"),
      step(2, 1, "starts"),
      step(3, 2, "starts"),
      ...Array.from({ length: 10 }, (_, i) => step(4 + i, 1, i === 5 ? "write Counter.n" : "Interlocked.Increment", 7)),
      step(14, 2, "write Counter.n", 8),
    ];
    const layout = layoutTrace(racy, "lost-update");
    const shown = layout.rows.filter((r) => r.kind === "step").map((r) => r.kind === "step" && r.step.step);
    expect(shown).toContain(9);
    expect(layout.rows.filter((r) => r.kind === "collapsed")).toHaveLength(2);
  });

  it("says how many steps a cut trace left out", () => {
    const cut = [step(0, 0, "starts"), step(1, 0, "Thread.Start(thread 1)"), step(250, 1, "read X.y", 3)];
    const gap = layoutTrace(cut).rows.find((r) => r.kind === "gap");
    expect(gap && gap.kind === "gap" && gap.missing).toBe(248);
  });
});

describe("analyzeTrace ordering", () => {
  it("a lock handed over orders the accesses: no race", () => {
    const trace = [
      step(0, 0, "Thread.Start(thread 1)"),
      step(1, 0, "Thread.Start(thread 2)"),
      step(2, 1, "Monitor.Enter(lock A)"),
      step(3, 1, "write C.n"),
      step(4, 1, "Monitor.Exit(lock A)"),
      step(5, 2, "Monitor.Enter(lock A)"),
      step(6, 2, "write C.n"),
      step(7, 2, "Monitor.Exit(lock A)"),
    ];
    expect(analyzeTrace(trace, "invariant").racyLocations).toEqual([]);
  });

  it("a semaphore handed over orders the accesses too", () => {
    const trace = [
      step(0, 0, "Thread.Start(thread 1)"),
      step(1, 0, "Thread.Start(thread 2)"),
      step(2, 1, "write C.n"),
      step(3, 1, "SemaphoreSlim.Release(semaphore A)"),
      step(4, 2, "SemaphoreSlim.Wait(semaphore A)"),
      step(5, 2, "write C.n"),
    ];
    expect(analyzeTrace(trace, "invariant").racyLocations).toEqual([]);
  });

  it("a thread waiting for a lock is ordered after the release it waited for", () => {
    const trace = [
      step(0, 0, "Thread.Start(thread 1)"),
      step(1, 0, "Thread.Start(thread 2)"),
      step(2, 1, "Monitor.Enter(lock A)"),
      step(3, 2, "write C.n"),
      step(4, 2, "Monitor.Enter(lock A)"),
      step(5, 2, "blocked: waits for lock A"),
      step(6, 1, "write C.n"),
      step(7, 1, "Monitor.Exit(lock A)"),
      step(8, 2, "resumes: done waiting for lock A"),
      step(9, 2, "read C.n"),
    ];
    // Thread 2's first write (outside the lock) races with thread 1's; its read after the lock does not.
    const marks = analyzeTrace(trace, "invariant").marks;
    expect([...(marks.get(3) ?? [])]).toContain("race");
    expect([...(marks.get(9) ?? [])]).not.toContain("race");
  });

  it("the same accesses without the lock race", () => {
    const trace = [
      step(0, 0, "Thread.Start(thread 1)"),
      step(1, 0, "Thread.Start(thread 2)"),
      step(2, 1, "write C.n"),
      step(3, 2, "write C.n"),
    ];
    expect(analyzeTrace(trace, "invariant").racyLocations).toEqual(["C.n"]);
  });

  it("two readers never race", () => {
    const trace = [step(0, 0, "Thread.Start(thread 1)"), step(1, 1, "read C.n"), step(2, 0, "read C.n")];
    expect(analyzeTrace(trace, "invariant").racyLocations).toEqual([]);
  });

  it("marks the engine's data-race step and the other thread's call", () => {
    const trace = [
      step(0, 1, "List.Add", 5),
      step(1, 2, "data race: List.Add while thread 1 is inside List.Add", 5),
    ];
    const marks = analyzeTrace(trace, "data-race").marks;
    expect([...(marks.get(0) ?? [])]).toContain("race");
    expect([...(marks.get(1) ?? [])]).toContain("race");
  });
});
