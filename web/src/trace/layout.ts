// Trace -> timeline layout: one lane (column) per thread, time flowing down, one row per
// shown step. Pure: data in, positions out; TraceTimeline.tsx draws it.
import type { TraceStep } from "../api/types";
import { analyzeTrace, type Mark } from "./analysis";

export interface LayoutOptions {
  /** Runs of one thread longer than this are cut to their first and last two steps. */
  collapseOver?: number;
  /** Runs the user opened (by the trace index of the run's first step). */
  expanded?: ReadonlySet<number>;
  laneWidth?: number;
  rowHeight?: number;
  headerHeight?: number;
  /** x of a lane's line (its dots) from the lane's left edge */
  dotOffset?: number;
  /** width of one character of the label font, to make room for the longest label */
  charWidth?: number;
}

/**
 * What a step did, in the learner's words (as the CLI's table says it): the release a `lock` statement makes at its end
 * is "releases lock A (end of lock at line 12)", since the learner wrote no Monitor.Exit; a Try* call that failed says "→ false".
 */
export function stepLabel(s: TraceStep): string {
  const exit = "Monitor.Exit(";
  const action = s.lockStatementLine && s.action.startsWith(exit) && s.action.endsWith(")")
    ? `releases ${s.action.slice(exit.length, -1)} (end of lock at line ${s.lockStatementLine})`
    : s.action;
  return s.result ? `${action} → ${s.result}` : action;
}

/** " :12" after a step of the learner's code, " (test)" after one of the kata test's own code. */
export function stepWhere(s: TraceStep): string {
  return s.byTest ? " (test)" : s.line ? ` :${s.line}` : "";
}

export interface Lane {
  thread: number;
  name: string;
  index: number;
  /** left edge of the lane */
  left: number;
  /** x of the lane's line, where its steps' dots sit; labels start just right of it */
  x: number;
}

export type Row =
  | { kind: "step"; y: number; lane: number; index: number; step: TraceStep; label: string; marks: Mark[] }
  | { kind: "collapsed"; y: number; lane: number; runStart: number; hidden: number; fromStep: number; toStep: number; lines: [number, number] | null; label: string }
  | { kind: "gap"; y: number; missing: number; label: string };

export interface Switch {
  /** from the step row above to the step row below, when the thread changes */
  fromLane: number;
  toLane: number;
  y1: number;
  y2: number;
  /** where the hand-over line crosses between lanes: between two rows, so it never runs through a label */
  yCross: number;
}

export interface TimelineLayout {
  lanes: Lane[];
  rows: Row[];
  switches: Switch[];
  width: number;
  height: number;
  /** trace indexes of the shown steps, in order: what the keyboard steps through */
  stepOrder: number[];
  cycle: number[];
  cycleText: string[];
  racyLocations: string[];
}

const KEEP_EACH_END = 2;

export function layoutTrace(steps: readonly TraceStep[], kind?: string, options: LayoutOptions = {}): TimelineLayout {
  const collapseOver = options.collapseOver ?? 6;
  const laneWidth = options.laneWidth ?? 230;
  const rowHeight = options.rowHeight ?? 28;
  const header = options.headerHeight ?? 40;
  const dotOffset = options.dotOffset ?? 16;
  const charWidth = options.charWidth ?? 7.3;
  const expanded = options.expanded ?? new Set<number>();
  const analysis = analyzeTrace(steps, kind);

  // Lanes in order of first appearance; the main thread (usually first) stays leftmost.
  const lanes: Lane[] = [];
  const laneOf = new Map<number, number>();
  for (const s of steps) {
    if (!laneOf.has(s.thread)) {
      laneOf.set(s.thread, lanes.length);
      const left = lanes.length * laneWidth;
      lanes.push({ thread: s.thread, name: s.threadName, index: lanes.length, left, x: left + dotOffset });
    }
  }

  // Runs of consecutive steps of one thread.
  const runs: { start: number; end: number }[] = [];
  steps.forEach((s, i) => {
    const last = runs[runs.length - 1];
    const contiguous = i > 0 && s.step === steps[i - 1].step + 1;
    if (last && steps[last.end].thread === s.thread && contiguous) last.end = i;
    else runs.push({ start: i, end: i });
  });

  const rows: Row[] = [];
  let y = header + rowHeight / 2;
  const push = (row: Row) => {
    rows.push(row);
    y += rowHeight;
  };
  const marked = (i: number) => (analysis.marks.get(i)?.size ?? 0) > 0;

  for (const run of runs) {
    const prev = run.start > 0 ? steps[run.start - 1] : null;
    const first = steps[run.start];
    if (prev && first.step > prev.step + 1) {
      const missing = first.step - prev.step - 1;
      push({ kind: "gap", y, missing, label: `… ${missing} step${missing === 1 ? "" : "s"} not kept (steps ${prev.step + 1}–${first.step - 1})` });
    }
    const length = run.end - run.start + 1;
    const collapse = length > collapseOver && !expanded.has(run.start);
    let hiddenFrom = -1;
    const flushHidden = (upTo: number) => {
      if (hiddenFrom < 0) return;
      const from = hiddenFrom;
      hiddenFrom = -1;
      if (upTo - from === 1) {
        pushStep(from);
        return;
      }
      const lines = steps.slice(from, upTo).map((s) => s.line).filter((l): l is number => typeof l === "number");
      const range: [number, number] | null = lines.length ? [Math.min(...lines), Math.max(...lines)] : null;
      const hidden = upTo - from;
      const where = range ? (range[0] === range[1] ? `, line ${range[0]}` : `, lines ${range[0]}–${range[1]}`) : "";
      push({
        kind: "collapsed", y, lane: laneOf.get(steps[from].thread)!, runStart: run.start, hidden,
        fromStep: steps[from].step, toStep: steps[upTo - 1].step, lines: range,
        label: `… ${hidden} more steps${where}`,
      });
    };
    const pushStep = (i: number) => {
      const s = steps[i];
      push({ kind: "step", y, lane: laneOf.get(s.thread)!, index: i, step: s, label: stepLabel(s), marks: [...(analysis.marks.get(i) ?? [])] });
    };
    for (let i = run.start; i <= run.end; i++) {
      const atEnds = i - run.start < KEEP_EACH_END || run.end - i < KEEP_EACH_END;
      if (!collapse || atEnds || marked(i)) {
        flushHidden(i);
        pushStep(i);
      } else if (hiddenFrom < 0) {
        hiddenFrom = i;
      }
    }
    flushHidden(run.end + 1);
  }

  const stepRows = rows.filter((r): r is Extract<Row, { kind: "step" }> => r.kind === "step");
  const switches: Switch[] = [];
  for (let k = 1; k < stepRows.length; k++) {
    const a = stepRows[k - 1], b = stepRows[k];
    if (a.lane !== b.lane) switches.push({ fromLane: a.lane, toLane: b.lane, y1: a.y, y2: b.y, yCross: b.y - rowHeight / 2 });
  }

  // A row holds one step, so its label may run on over the lanes to its right (only their
  // lines cross it); the picture is as wide as the lanes or the longest label, whichever is more.
  const labelEnd = (r: Row) => r.kind === "gap" ? 0
    : lanes[r.lane].x + 12 + (r.label.length + (r.kind === "step" ? stepWhere(r.step).length : 0)) * charWidth + 8;
  return {
    lanes,
    rows,
    switches,
    width: Math.ceil(Math.max(Math.max(1, lanes.length) * laneWidth, ...rows.map(labelEnd))),
    height: y - rowHeight / 2 + rowHeight,
    stepOrder: stepRows.map((r) => r.index),
    cycle: analysis.cycle,
    cycleText: analysis.cycleText,
    racyLocations: analysis.racyLocations,
  };
}
