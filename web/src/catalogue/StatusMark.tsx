import type { ProgressStatus } from "../api/types";

const TEXT: Record<ProgressStatus, string> = { solved: "Solved", attempted: "Attempted", new: "Not started" };

/** Solved / attempted mark: an icon and a word, never colour alone. */
export function StatusMark({ status }: { status: ProgressStatus }) {
  return (
    <span className={`status status-${status}`}>
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
        {status === "solved" && <path d="M3 8.5l3 3 7-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />}
        {status === "attempted" && <circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" strokeWidth="2" strokeDasharray="4 3" />}
        {status === "new" && <circle cx="8" cy="8" r="5" fill="none" stroke="currentColor" strokeWidth="1.5" />}
      </svg>
      {TEXT[status]}
    </span>
  );
}
