// The one place that talks HTTP. Cookie auth; every write carries the antiforgery
// header (X-XSRF-TOKEN, the value of the XSRF-TOKEN cookie the server sets).
import type {
  ApiToken, CreatedApiToken, Diagnostic, Draft, GradeReport, Hints, Kata, KataProgress, KataSummary,
  LeaderboardEntry, Submission, SubmissionListItem, SubmissionMode, User,
} from "./types";

/** An error answer, read from ProblemDetails when the server sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | null,
    readonly errors: Record<string, string[]> | null,
    readonly retryAfter: string | null,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }

  /** Every message a person should read, field errors included. */
  get messages(): string[] {
    const list = [this.detail ?? this.title];
    if (this.errors) for (const value of Object.values(this.errors)) list.push(...value);
    return [...new Set(list.filter(Boolean))];
  }
}

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return null;
}

export async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, keepalive = false): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", keepalive, headers: { Accept: "application/json", ...headers } };
  if (method !== "GET") {
    const token = readCookie("XSRF-TOKEN");
    // A caller with its own antiforgery value (the screening candidate's session) keeps it.
    if (token && !headers["X-XSRF-TOKEN"]) (init.headers as Record<string, string>)["X-XSRF-TOKEN"] = token;
  }
  if (body instanceof Blob) {
    // An upload (a kata zip) goes as its own bytes.
    (init.headers as Record<string, string>)["Content-Type"] = body.type || "application/octet-stream";
    init.body = body;
  } else if (body !== undefined) {
    (init.headers as Record<string, string>)["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "The server cannot be reached", "Check that KataServer is running, then try again.", null, null);
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204 || response.headers.get("Content-Length") === "0") return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function toError(response: Response): Promise<ApiError> {
  let title = response.statusText || `HTTP ${response.status}`;
  let detail: string | null = null;
  let errors: Record<string, string[]> | null = null;
  try {
    const problem = await response.json();
    if (typeof problem?.title === "string") title = problem.title;
    if (typeof problem?.detail === "string") detail = problem.detail;
    if (problem?.errors && typeof problem.errors === "object") errors = problem.errors;
  } catch {
    // Not JSON: the status line is all there is.
  }
  if (response.status === 413) detail ??= "The code is over the 256 KiB limit.";
  if ((response.status === 502 || response.status === 504) && detail === null) {
    title = "The KataServer API is not answering";
    detail = `HTTP ${response.status} from the proxy: check that KataServer is running, then reload.`;
  }
  const retryAfter = response.headers.get("Retry-After");
  if (response.status === 429 && retryAfter) detail = `${detail ?? "Too many submissions."} Try again in ${retryAfter} s.`;
  return new ApiError(response.status, title, detail, errors, retryAfter);
}

const enc = encodeURIComponent;

/** One key per click, so a retried POST returns the first submission instead of grading twice. */
function idempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID(); // secure contexts only
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const api = {
  me: () => request<User>("GET", "/api/auth/me"),
  signUp: (email: string, password: string, displayName?: string) =>
    request<User>("POST", "/api/auth/signup", { email, password, displayName: displayName || undefined }),
  signIn: (email: string, password: string) => request<User>("POST", "/api/auth/signin", { email, password }),
  signOut: () => request<void>("POST", "/api/auth/signout"),

  tokens: () => request<ApiToken[]>("GET", "/api/tokens"),
  createToken: (name: string) => request<CreatedApiToken>("POST", "/api/tokens", { name: name || undefined }),
  revokeToken: (id: string) => request<void>("DELETE", `/api/tokens/${enc(id)}`),

  katas: () => request<KataSummary[]>("GET", "/api/katas"),
  kata: (id: string) => request<Kata>("GET", `/api/katas/${enc(id)}`),
  progress: () => request<KataProgress[]>("GET", "/api/progress"),
  hints: (id: string) => request<Hints>("GET", `/api/katas/${enc(id)}/hints`),
  revealHint: (id: string) => request<Hints>("POST", `/api/katas/${enc(id)}/hints`),
  draft: async (id: string): Promise<Draft | null> => {
    try {
      return await request<Draft>("GET", `/api/katas/${enc(id)}/draft`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  },
  /** keepalive: the request outlives the page (saving while the tab closes) */
  saveDraft: (id: string, code: string, keepalive = false) =>
    request<void>("PUT", `/api/katas/${enc(id)}/draft`, { code }, {}, keepalive),
  leaderboard: (id: string) => request<LeaderboardEntry[]>("GET", `/api/katas/${enc(id)}/leaderboard`),
  diagnostics: (kata: string, code: string) =>
    request<{ diagnostics: Diagnostic[] }>("POST", "/api/diagnostics", { kata, code }),

  submit: (kata: string, code: string, mode: SubmissionMode, replay?: string) =>
    request<{ id: string; status: string }>("POST", "/api/submissions",
      { kata, code, mode, ...(replay ? { replay } : {}) },
      { "Idempotency-Key": idempotencyKey() }),
  submission: (id: string) => request<Submission>("GET", `/api/submissions/${enc(id)}`),
  submissions: (kata: string) => request<SubmissionListItem[]>("GET", `/api/submissions?kata=${enc(kata)}`),
  eventsUrl: (id: string) => `/api/submissions/${enc(id)}/events`,
};

export type { GradeReport };
