// Shapes of the KataServer API (docs/platform.md and docs/api.md at the repository root).
// A submission's `report` is exactly what `kata grade --json` prints.

export interface User {
  email: string;
  displayName: string;
  roles: string[];
}

export interface KataSummary {
  id: string;
  title: string;
  order: number;
  difficulty: string;
  topics: string[];
  summary: string;
}

export interface Kata extends KataSummary {
  statement: string;
  starter: string;
  hintCount?: number;
}

export type ProgressStatus = "solved" | "attempted" | "new";

export interface KataProgress {
  kata: string;
  status: ProgressStatus;
  bestScore: number | null;
  attempts: number;
}

export interface Hints {
  revealed: string[];
  total: number;
}

export interface Draft {
  code: string;
  savedAt: string;
}

/** A personal API token as listed: the secret itself is never sent again after it was created. */
export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedApiToken {
  id: string;
  name: string;
  /** shown once */
  token: string;
  createdAt: string;
}

export interface LeaderboardEntry {
  rank: number;
  displayName: string;
  score: number;
  submittedAt: string;
}

export interface Diagnostic {
  severity: "error" | "warning";
  id: string;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  source?: "compiler" | "policy";
}

export type SubmissionMode = "run" | "submit" | "replay";
export type SubmissionStatus = "queued" | "running" | "done" | "error";

interface SubmissionHeader {
  id: string;
  kata: string;
  mode: SubmissionMode;
  status: SubmissionStatus;
  createdAt: string;
  finishedAt: string | null;
}

export interface Submission extends SubmissionHeader {
  report: GradeReport | null;
  code?: string;
  attempt?: number | null;
  error?: string | null;
  message?: string | null;
}

/** An item of GET /api/submissions?kata=ID */
export interface SubmissionListItem extends SubmissionHeader {
  verdict: Verdict | null;
  score: number | null;
}

export type Stage = "compile" | "police" | "explore" | "stress" | "measure" | "score";

export interface ProgressEvent {
  stage: Stage;
  message?: string | null;
  done: number | null;
  total: number | null;
  test?: string | null;
}

export interface DoneEvent {
  id: string;
  status: SubmissionStatus;
  report: GradeReport | null;
  error?: string | null;
  message?: string | null;
}

export type Verdict = "passed" | "failed" | "compile_error" | "policy_violation" | "timeout" | "crashed";

export interface TraceStep {
  step: number;
  thread: number;
  threadName: string;
  action: string;
  line?: number | null;
  /** the kata test's own code took this step (its counters, its callbacks): no line in the learner's file */
  byTest?: boolean;
  /** the release the compiler wrote at the end of the `lock` statement on this line ("releases lock A (end of lock at line N)") */
  lockStatementLine?: number | null;
  /** what the call returned when a reader needs it: "false" for a Try* call that failed */
  result?: string | null;
}

export interface Finding {
  kind: string;
  test?: string | null;
  message: string;
  replay?: string | null;
  trace?: TraceStep[] | null;
}

export interface TestResult {
  name: string;
  outcome: "passed" | "failed" | "skipped" | "unexplored";
  durationMs: number;
  mode: "explore" | "stress";
  runs: number;
  exhausted?: boolean;
  /** Why a skipped test did not run (for example: the grade stopped at its first failing test). */
  skippedBecause?: string | null;
}

export interface GradeReport {
  kata: string;
  verdict: Verdict;
  inputRejected?: boolean;
  score: number;
  scoreBreakdown?: { correctness: number; performance: number; performanceMax: number; explanation: string } | null;
  tests: TestResult[];
  findings: Finding[];
  notices?: { kind: string; test: string; message: string }[];
  diagnostics?: Diagnostic[];
  performance?: {
    ratio: number;
    benchmarks: {
      benchmark: string;
      threads: number;
      submissionOpsPerSecond: number;
      referenceOpsPerSecond: number;
      ratio: number;
    }[];
  } | null;
  timingsMs?: Record<string, number>;
  run?: { isolationLayers?: string[]; output?: string; outputTruncated?: boolean } | null;
}
