// Folding the server's progress events into one bar per stage. Pure.
import type { ProgressEvent, Stage } from "../api/types";

export const STAGES: { id: Stage; label: string }[] = [
  { id: "compile", label: "Compile" },
  { id: "police", label: "API policy" },
  { id: "explore", label: "Explore interleavings" },
  { id: "stress", label: "Stress on real threads" },
  { id: "measure", label: "Measure throughput" },
  { id: "score", label: "Score" },
];

export interface StageState {
  stage: Stage;
  state: "waiting" | "active" | "done";
  done: number | null;
  total: number | null;
  message: string | null;
  test: string | null;
}

export type StageMap = Record<Stage, StageState>;

export function initialStages(): StageMap {
  return Object.fromEntries(STAGES.map(({ id }) => [id, { stage: id, state: "waiting", done: null, total: null, message: null, test: null }])) as StageMap;
}

export function applyProgress(stages: StageMap, e: ProgressEvent): StageMap {
  const order = STAGES.findIndex((s) => s.id === e.stage);
  if (order < 0) return stages;
  const next = { ...stages };
  STAGES.forEach(({ id }, i) => {
    if (i < order && next[id].state !== "done") next[id] = { ...next[id], state: "done" };
  });
  next[e.stage] = {
    stage: e.stage,
    state: "active",
    done: e.done ?? null,
    total: e.total ?? null,
    message: e.message ?? null,
    test: e.test ?? null,
  };
  return next;
}

export function finishStages(stages: StageMap): StageMap {
  const next = { ...stages };
  for (const { id } of STAGES) if (next[id].state === "active") next[id] = { ...next[id], state: "done" };
  return next;
}
