// The instructor API (docs/instructors.md): authoring, validation, publishing, cohorts.
import { request } from "../api/client";
import type { Diagnostic } from "../api/types";
import type { DraftRules } from "./draft";

export interface AuthoredKataItem { id: string; title: string; draftRevision: number; validatedRevision: number | null; latestVersion: number; draftSavedAt: string; archivedAt: string | null }
export interface ValidationCheck { subject: string; passed: boolean; message: string; verdict: string | null; findings: string[] }
export interface ValidationMutant {
  name: string; file: string; expected: string; accepted: string[]; mistake: string; caught: boolean;
  verdict: string | null; findings: string[]; schedules: number | null; foundBy: string | null; message: string;
}
export interface ValidationReport { passed: boolean; checks: ValidationCheck[]; mutants: ValidationMutant[]; exploreSchedules: number; suggestedExploreSchedules: number | null; suggestion: string }
export interface Validation {
  id: string; draftRevision: number; status: "queued" | "running" | "done" | "error"; stage: string; done: number; total: number;
  passed: boolean | null; report: ValidationReport | null; error: string | null; createdAt: string; finishedAt: string | null;
}
export interface AuthoredKata {
  id: string; title: string; readOnly: boolean; draftRevision: number; validatedRevision: number | null; latestVersion: number;
  canPublish: boolean; copiedFrom: string | null; files: Record<string, string>; problems: string[];
  versions: { version: number; publishedAt: string }[]; lastValidation: Validation | null;
  archivedAt: string | null; rules: DraftRules;
}
export interface Author { userId: string; email: string; displayName: string; owner: boolean; addedAt: string | null }
export interface Count { name: string; times: number }
export interface KataStats {
  kata: string; learners: number; attempted: number; passed: number; passRate: number; medianAttemptsToPass: number | null;
  medianMinutesToPass: number | null; findingKinds: Count[]; failingTests: Count[]; hintsUsed: number;
}
export interface Attempt { id: string; kata: string; kataVersion: number | null; attempt: number | null; createdAt: string; status: string; verdict: string | null; score: number | null; findingKinds: string[]; failedTests: string[] }
export interface CohortPage {
  id: string; name: string; assignments: { kata: string; title: string; dueAt: string | null }[]; katas: KataStats[];
  members: { userId: string; displayName: string; email: string; joinedAt: string }[];
  learners: { userId: string; displayName: string; email: string; attempts: Attempt[] }[];
}
export interface CohortItem { id: string; name: string; members: number; assignments: number; createdAt: string }
export interface MyCohort { id: string; name: string; assignments: { kata: string; title: string; dueAt: string | null }[] }

const enc = encodeURIComponent;
const base = "/api/authoring/katas";

export const teaching = {
  katas: () => request<AuthoredKataItem[]>("GET", base),
  create: (id: string, from?: string) => request<AuthoredKata>("POST", base, { id, from: from || undefined }),
  kata: (id: string) => request<AuthoredKata>("GET", `${base}/${enc(id)}`),
  save: (id: string, files: Record<string, string | null>, revision: number) => request<AuthoredKata>("PUT", `${base}/${enc(id)}/files`, { files, revision }),
  diagnostics: (id: string, path: string, code: string) => request<{ diagnostics: Diagnostic[] }>("POST", `${base}/${enc(id)}/diagnostics`, { path, code }),
  validate: (id: string) => request<Validation>("POST", `${base}/${enc(id)}/validations`),
  validation: (id: string, validationId: string) => request<Validation>("GET", `${base}/${enc(id)}/validations/${enc(validationId)}`),
  publish: (id: string) => request<AuthoredKata>("POST", `${base}/${enc(id)}/publish`),
  /** Imports a zip of a `katas/<id>/` folder as a new kata, or as the next draft of one of the caller's katas. */
  importZip: (zip: Blob) => request<AuthoredKata>("POST", `${base}/import`, zip),
  exportUrl: (id: string) => `${base}/${enc(id)}/export`,
  /** Deletes a never-published kata, archives a published one (its submissions stay readable). */
  remove: (id: string) => request<{ id: string; outcome: "deleted" | "archived"; detail: string }>("DELETE", `${base}/${enc(id)}`),
  authors: (id: string) => request<Author[]>("GET", `${base}/${enc(id)}/authors`),
  addAuthor: (id: string, email: string) => request<Author[]>("POST", `${base}/${enc(id)}/authors`, { email }),
  removeAuthor: (id: string, userId: string) => request<Author[]>("DELETE", `${base}/${enc(id)}/authors/${enc(userId)}`),
  restore: (id: string) => request<AuthoredKata>("POST", `${base}/${enc(id)}/restore`),

  cohorts: () => request<CohortItem[]>("GET", "/api/cohorts"),
  createCohort: (name: string) => request<CohortItem>("POST", "/api/cohorts", { name }),
  cohort: (id: string) => request<CohortPage>("GET", `/api/cohorts/${enc(id)}`),
  invite: (id: string, days: number) => request<{ token: string; url: string; expiresAt: string }>("POST", `/api/cohorts/${enc(id)}/invites`, { days }),
  /** Every invite link of the cohort stops working (members stay). */
  revokeInvites: (id: string) => request<{ links: number }>("DELETE", `/api/cohorts/${enc(id)}/invites`),
  deleteCohort: (id: string) => request<void>("DELETE", `/api/cohorts/${enc(id)}`),
  assign: (id: string, kata: string, dueAt: string | null) => request<void>("PUT", `/api/cohorts/${enc(id)}/assignments/${enc(kata)}`, { dueAt }),
  csvUrl: (id: string) => `/api/cohorts/${enc(id)}/export.csv`,
  join: (token: string) => request<MyCohort>("POST", "/api/my/cohorts/join", { token }),
  myCohorts: () => request<MyCohort[]>("GET", "/api/my/cohorts"),
};
