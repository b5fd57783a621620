import { lazy, Suspense, useState } from "react";
import { api } from "../api/client";
import type { Submission, SubmissionListItem } from "../api/types";
import { useAsync } from "../app/useAsync";
import { ErrorBox } from "../app/ErrorBox";

const DiffView = lazy(() => import("../editor/CodeEditor").then((m) => ({ default: m.DiffView })));
const CodeView = lazy(() => import("../editor/CodeEditor").then((m) => ({ default: m.CodeView })));

interface Props {
  kata: string;
  dark: boolean;
  reloadKey: number;
  onShow(submission: Submission): void;
}

type Open = { kind: "code"; id: string } | { kind: "diff"; older: string; newer: string } | null;

/** The learner's attempts at this kata, newest first: code, verdict, and a diff between two. */
export function HistoryPanel({ kata, dark, reloadKey, onShow }: Props) {
  const list = useAsync(() => api.submissions(kata), [kata, reloadKey]);
  const [details, setDetails] = useState<Record<string, Submission>>({});
  const [open, setOpen] = useState<Open>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async (id: string): Promise<Submission> => {
    if (details[id]) return details[id];
    const s = await api.submission(id);
    setDetails((d) => ({ ...d, [id]: s }));
    return s;
  };
  const act = async (f: () => Promise<void>) => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e);
    }
  };

  if (list.error) return <ErrorBox error={list.error} />;
  if (!list.data) return <p>Loading your submissions…</p>;
  if (list.data.length === 0) return <p className="muted">No submissions yet. Run or Submit your code and it shows up here.</p>;
  const items = list.data;

  return (
    <div className="history">
      {error != null && <ErrorBox error={error} />}
      <ol className="history-list">
        {items.map((item, i) => {
          // A replay re-runs code already in the list: compare attempts (runs and submits) only.
          const older = item.mode === "replay" ? undefined
            : items.slice(i + 1).find((o) => o.mode !== "replay" && (o.status === "done" || o.status === "error"));
          return (
            <li key={item.id} className="history-item">
              <div className="history-row">
                <span className={`verdict-chip ${item.verdict ?? item.status}`}>{label(item)}</span>
                <span>{item.mode}{details[item.id]?.attempt ? ` #${details[item.id].attempt}` : ""}</span>
                {item.score != null && <span>score {item.score}</span>}
                <time className="muted small" dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleString()}</time>
              </div>
              <div className="history-actions">
                <button type="button" disabled={item.status !== "done" && item.status !== "error"}
                  onClick={() => act(async () => onShow(await load(item.id)))}>Show report</button>
                <button type="button" aria-expanded={open?.kind === "code" && open.id === item.id}
                  onClick={() => act(async () => {
                    await load(item.id);
                    setOpen(open?.kind === "code" && open.id === item.id ? null : { kind: "code", id: item.id });
                  })}>Code</button>
                {older && (
                  <button type="button" aria-expanded={open?.kind === "diff" && open.newer === item.id}
                    onClick={() => act(async () => {
                      await Promise.all([load(item.id), load(older.id)]);
                      setOpen(open?.kind === "diff" && open.newer === item.id ? null : { kind: "diff", older: older.id, newer: item.id });
                    })}>Diff with the one before</button>
                )}
              </div>
              <Suspense fallback={<p>Loading…</p>}>
                {open?.kind === "code" && open.id === item.id && details[item.id]?.code != null && (
                  <CodeView code={details[item.id].code!} dark={dark} />
                )}
                {open?.kind === "diff" && open.newer === item.id && details[open.older]?.code != null && details[item.id]?.code != null && (
                  <>
                    <p className="muted small">Left: {new Date(details[open.older].createdAt).toLocaleString()} · right: this one</p>
                    <DiffView original={details[open.older].code!} modified={details[item.id].code!} dark={dark} />
                  </>
                )}
              </Suspense>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

function label(item: SubmissionListItem): string {
  if (item.status === "queued" || item.status === "running") return item.status;
  if (item.status === "error") return "error";
  return item.verdict?.replace("_", " ") ?? item.status;
}
