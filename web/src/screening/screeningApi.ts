// The screening endpoints (docs/screening.md). The interviewer is a signed-in user (cookie + XSRF-TOKEN cookie, as
// everywhere); the candidate has no account: their session cookie is scoped to /api/candidate and the antiforgery
// value comes in GET /api/candidate/session, kept in memory here.
import { ApiError, request } from "../api/client";
import type { Diagnostic, GradeReport, Hints, SubmissionStatus } from "../api/types";
import type { Paste } from "./pastes";

const enc = encodeURIComponent;

export type FindingsShown = "full" | "pass-fail";

export interface ScreeningSummary { id: string; title: string; katas: string[]; timeLimitSeconds: number; createdAt: string; candidates: number }
export interface CandidateView {
  id: string; name: string; email: string | null; state: "invited" | "expired" | "revoked" | "running" | "finished";
  invitedAt: string; invitationExpiresAt: string; emailedAt: string | null; startedAt: string | null; endsAt: string | null;
  finishedAt: string | null; finishedBecause: string | null;
}
export interface Screening {
  /** kataVersions: the published version pinned for each authored kata (built-in katas have none). */
  id: string; title: string; katas: string[]; kataVersions: Record<string, number>; timeLimitSeconds: number; invitationValidHours: number; hintsAllowed: boolean;
  findingsShown: FindingsShown; createdAt: string; owner: string; candidates: CandidateView[];
}
export interface Invited { candidate: CandidateView; link: string; emailed: boolean; emailProblem: string | null }
export interface MatchRegion { leftStartLine: number; leftEndLine: number; rightStartLine: number; rightEndLine: number; tokens: number }
export interface SimilarityMatch {
  kind: "candidate" | "reference" | "mutant" | "corpus"; name: string; candidateId: string | null; score: number;
  thisCoverage: number; otherCoverage: number; flagged: boolean; regions: MatchRegion[]; otherCode: string;
}
export interface Snapshot { id: number; kind: "autosave" | "run" | "submit" | "final"; createdAt: string; code: string; pastes: string | null; submissionId: string | null }
export interface KataReport {
  kata: string; title: string; status: string; verdict: string | null; score: number | null; report: GradeReport | null;
  finalSubmissionId: string | null; runs: number; submits: number; hintsOpened: number; timeSpentSeconds: number | null;
  snapshots: Snapshot[]; similarity: SimilarityMatch[];
}
export interface CandidateReport {
  screeningId: string; screening: string; candidate: CandidateView; timeSpentSeconds: number | null; totalScore: number; flags: number; katas: KataReport[];
}
export interface CompareRow {
  id: string; name: string; email: string | null; state: string; timeSpentSeconds: number | null; totalScore: number; flags: number;
  katas: { kata: string; verdict: string | null; score: number | null; runs: number; submits: number; flagged: boolean }[];
}

export const interviewerApi = {
  list: () => request<ScreeningSummary[]>("GET", "/api/screenings"),
  create: (body: { title: string; katas: string[]; timeLimitSeconds: number; invitationValidHours: number; hintsAllowed: boolean; findingsShown: FindingsShown }) =>
    request<Screening>("POST", "/api/screenings", body),
  get: (id: string) => request<Screening>("GET", `/api/screenings/${enc(id)}`),
  invite: (id: string, name: string, email: string) => request<Invited>("POST", `/api/screenings/${enc(id)}/invitations`, { name, email: email || undefined }),
  revoke: (id: string, candidate: string) => request<void>("DELETE", `/api/screenings/${enc(id)}/candidates/${enc(candidate)}`),
  reissue: (id: string, candidate: string) => request<Invited>("POST", `/api/screenings/${enc(id)}/candidates/${enc(candidate)}/invitation`),
  extend: (id: string, candidate: string, minutes: number) =>
    request<CandidateView>("POST", `/api/screenings/${enc(id)}/candidates/${enc(candidate)}/extend`, { minutes }),
  /** The interviewer's own authored katas (published ones can be put in a screening; it pins the latest version). */
  myKatas: () => request<{ id: string; title: string; latestVersion: number }[]>("GET", "/api/authoring/katas"),
  report: (id: string, candidate: string) => request<CandidateReport>("GET", `/api/screenings/${enc(id)}/candidates/${enc(candidate)}/report`),
  compare: (id: string) => request<CompareRow[]>("GET", `/api/screenings/${enc(id)}/compare`),
  csvUrl: (id: string) => `/api/screenings/${enc(id)}/compare.csv`,
};

export interface InvitationPreview {
  screening: string; katas: { id: string; title: string; difficulty: string }[]; timeLimitSeconds: number; hintsAllowed: boolean;
  findingsShown: FindingsShown; candidate: string; state: "invited" | "resumable" | "used" | "expired" | "revoked" | "finished"; expiresAt: string;
  endsAt: string | null;
}
export interface SessionKata { id: string; title: string; difficulty: string; statement: string; starter: string; code: string; hintCount: number }
export interface CandidateSession {
  screening: string; candidate: string; timeLimitSeconds: number; startedAt: string; endsAt: string; now: string; finishedAt: string | null;
  finishedBecause: string | null; hintsAllowed: boolean; findingsShown: FindingsShown; katas: SessionKata[]; xsrf: string;
}
/** A report as the candidate sees it: the full one, or pass/fail per test when the screening hides findings. */
export type CandidateGrade = GradeReport | { kata: string; verdict: string; tests: { name: string; outcome: string }[]; diagnostics: Diagnostic[] | null; findingsHidden: true };

let xsrf: string | null = null;
const withXsrf = (): Record<string, string> => (xsrf ? { "X-XSRF-TOKEN": xsrf } : {});

export const candidateApi = {
  preview: (token: string) => request<InvitationPreview>("POST", "/api/candidate/invitation", { token }),
  start: (token: string) => request<{ startedAt: string; endsAt: string }>("POST", "/api/candidate/start", { token }),
  session: async (): Promise<CandidateSession | null> => {
    try {
      const s = await request<CandidateSession>("GET", "/api/candidate/session");
      xsrf = s.xsrf;
      return s;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  autosave: (kata: string, code: string, pastes: Paste[], keepalive = false) =>
    request<void>("PUT", `/api/candidate/katas/${enc(kata)}/autosave`, { code, pastes }, withXsrf(), keepalive),
  submit: (kata: string, code: string, mode: "run" | "submit", pastes: Paste[]) =>
    request<{ id: string; status: SubmissionStatus }>("POST", "/api/candidate/submissions", { kata, code, mode, pastes }, withXsrf()),
  submission: (id: string) => request<{ status: SubmissionStatus; report: CandidateGrade | null; error?: string | null }>("GET", `/api/candidate/submissions/${enc(id)}`),
  eventsUrl: (id: string) => `/api/candidate/submissions/${enc(id)}/events`,
  diagnostics: (kata: string, code: string) => request<{ diagnostics: Diagnostic[] }>("POST", "/api/candidate/diagnostics", { kata, code }, withXsrf()),
  hints: (kata: string) => request<Hints>("GET", `/api/candidate/katas/${enc(kata)}/hints`),
  revealHint: (kata: string) => request<Hints>("POST", `/api/candidate/katas/${enc(kata)}/hints`, undefined, withXsrf()),
  finish: () => request<void>("POST", "/api/candidate/finish", undefined, withXsrf()),
};

export function minutes(seconds: number | null | undefined): string {
  if (seconds == null) return "–";
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
