import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api } from "../api/client";
import type { Diagnostic, Finding, Kata } from "../api/types";
import { useAsync } from "../app/useAsync";
import { useAuth } from "../auth/AuthContext";
import { Link } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import type { CodeEditorHandle } from "../editor/CodeEditor";
import { useGrading } from "../grading/useGrading";
import { ProgressBars } from "../grading/ProgressBars";
import { ReportView } from "../grading/ReportView";
import { Markdown } from "../markdown/Markdown";
import { HintsPanel } from "./HintsPanel";
import { LeaderboardPanel } from "./LeaderboardPanel";
import { HistoryPanel } from "../history/HistoryPanel";

// Monaco is big: it is loaded with the kata page, not with the catalogue.
const CodeEditor = lazy(() => import("../editor/CodeEditor").then((m) => ({ default: m.CodeEditor })));

const DRAFT_DELAY_MS = 1200;
const DIAGNOSTICS_DELAY_MS = 600;

type Tab = "statement" | "hints" | "history" | "leaderboard";

export function KataPage({ id, dark }: { id: string; dark: boolean }) {
  const { user } = useAuth();
  const kata = useAsync(() => api.kata(id), [id]);
  const draft = useAsync(() => (user ? api.draft(id) : Promise.resolve(null)), [id, user?.email]);

  if (kata.error) return <main className="page"><ErrorBox error={kata.error} /><Link to="/">Back to the katas</Link></main>;
  if (!kata.data || draft.loading) return <main className="page"><p aria-live="polite">Loading…</p></main>;
  return <KataWorkspace key={`${id}:${user?.email ?? ""}`} kata={kata.data} initialCode={draft.data?.code ?? kata.data.starter}
    draftError={draft.error} dark={dark} signedIn={!!user} />;
}

function KataWorkspace({ kata, initialCode, draftError, dark, signedIn }: {
  kata: Kata; initialCode: string; draftError: unknown; dark: boolean; signedIn: boolean;
}) {
  const editor = useRef<CodeEditorHandle>(null);
  const code = useRef(initialCode);
  const [tab, setTab] = useState<Tab>("statement");
  const [saveState, setSaveState] = useState<{ text: string; error?: unknown }>({ text: "" });
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [historyTick, setHistoryTick] = useState(0);
  // Flips on the first edit after a run: re-renders so the "you have edited the code" note can show.
  const [, setEdited] = useState(false);
  const draftTimer = useRef<number | null>(null);
  const diagTimer = useRef<number | null>(null);
  const diagSeq = useRef(0);
  const grading = useGrading(kata.id, () => setHistoryTick((t) => t + 1));

  const saveDraft = useCallback(async () => {
    draftTimer.current = null;
    setSaveState({ text: "Saving…" });
    try {
      await api.saveDraft(kata.id, code.current);
      setSaveState({ text: `Draft saved ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}` });
    } catch (e) {
      setSaveState({ text: "Draft not saved", error: e });
    }
  }, [kata.id]);

  const checkDiagnostics = useCallback(async () => {
    diagTimer.current = null;
    const seq = ++diagSeq.current;
    try {
      const result = await api.diagnostics(kata.id, code.current);
      if (seq === diagSeq.current) setDiagnostics(result.diagnostics);
    } catch {
      // Diagnostics are a help while typing; Run shows the real errors.
    }
  }, [kata.id]);

  const onChange = useCallback((value: string) => {
    code.current = value;
    setEdited(true);
    if (!signedIn) return;
    if (draftTimer.current !== null) window.clearTimeout(draftTimer.current);
    draftTimer.current = window.setTimeout(saveDraft, DRAFT_DELAY_MS);
    if (diagTimer.current !== null) window.clearTimeout(diagTimer.current);
    diagTimer.current = window.setTimeout(checkDiagnostics, DIAGNOSTICS_DELAY_MS);
  }, [signedIn, saveDraft, checkDiagnostics]);

  useEffect(() => {
    if (signedIn) void checkDiagnostics();
    // Leaving the page or closing the tab: save a pending draft now rather than lose it.
    const flush = () => {
      if (draftTimer.current === null) return;
      window.clearTimeout(draftTimer.current);
      draftTimer.current = null;
      void api.saveDraft(kata.id, code.current, true).catch(() => undefined);
    };
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
      if (diagTimer.current !== null) window.clearTimeout(diagTimer.current);
    };
  }, [signedIn, kata.id, checkDiagnostics]);

  const run = useCallback((mode: "run" | "submit") => {
    if (!signedIn || grading.busy) return;
    setEdited(false);
    void grading.start(code.current, mode);
  }, [signedIn, grading]);

  // Ctrl/Cmd+Enter runs from anywhere on the page, not only inside the editor.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
        e.preventDefault();
        run("run");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [run]);

  const replay = useCallback((finding: Finding) => {
    if (!signedIn || grading.busy || !finding.replay || !grading.state.code) return;
    void grading.start(grading.state.code, "replay", finding.replay);
  }, [signedIn, grading]);

  const reset = () => {
    if (window.confirm("Replace your code with the starter code? Your draft is overwritten.")) editor.current?.setValue(kata.starter);
  };

  const showLine = useCallback((line: number | null) => editor.current?.highlightLine(line), []);
  const report = grading.state.report;
  const gradedOtherCode = report && grading.state.code !== null && grading.state.code !== code.current;
  const tabs: { id: Tab; label: string }[] = useMemo(() => [
    { id: "statement", label: "Statement" },
    ...(signedIn ? [{ id: "hints" as Tab, label: "Hints" }, { id: "history" as Tab, label: "History" }] : []),
    { id: "leaderboard", label: "Leaderboard" },
  ], [signedIn]);

  return (
    <main className="kata-page">
      <header className="kata-head">
        <Link to="/" className="back">← Katas</Link>
        <h1>{kata.order}. {kata.title}</h1>
        <div className="tags">
          <span className={`difficulty ${kata.difficulty}`}>{kata.difficulty}</span>
          {kata.topics.map((t) => <span key={t} className="tag">{t}</span>)}
        </div>
      </header>
      <div className="workspace">
        <section className="side" aria-label="About this kata">
          <div className="tabs" role="tablist" aria-label="Kata sections">
            {tabs.map((t) => (
              <button key={t.id} role="tab" id={`tab-${t.id}`} aria-selected={tab === t.id} aria-controls={`panel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1} className={tab === t.id ? "active" : ""} onClick={() => setTab(t.id)}
                onKeyDown={(e) => {
                  const i = tabs.findIndex((x) => x.id === tab);
                  if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
                    const next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
                    setTab(next.id);
                    document.getElementById(`tab-${next.id}`)?.focus();
                  }
                }}>
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tab-panel">
            {tab === "statement" && <Markdown source={kata.statement} className="statement" />}
            {tab === "hints" && <HintsPanel kata={kata.id} />}
            {tab === "history" && (
              <HistoryPanel kata={kata.id} dark={dark} reloadKey={historyTick}
                onShow={(s) => grading.show(s.id, s.mode, s.report, s.code ?? null)} />
            )}
            {tab === "leaderboard" && <LeaderboardPanel kata={kata.id} reloadKey={historyTick} />}
          </div>
        </section>

        <section className="main" aria-label="Your solution">
          <div className="toolbar">
            <button type="button" className="primary" onClick={() => run("run")} disabled={!signedIn || grading.busy}
              aria-keyshortcuts="Control+Enter Meta+Enter" title="Quick check (Ctrl/Cmd+Enter)">Run</button>
            <button type="button" className="primary submit" onClick={() => run("submit")} disabled={!signedIn || grading.busy}
              title="Full grade: counts as an attempt">Submit</button>
            <button type="button" onClick={reset}>Reset</button>
            <span className="save-state muted small" aria-live="polite">{saveState.text}</span>
            {!signedIn && <span className="small"><Link to={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> to run, submit and save your code.</span>}
          </div>
          {draftError != null && <ErrorBox error={draftError} title="Your saved draft could not be loaded; showing the starter code" />}
          {saveState.error != null && <ErrorBox error={saveState.error} title="Your draft could not be saved" />}
          <Suspense fallback={<div className="code-editor loading">Loading the editor…</div>}>
            <CodeEditor ref={editor} initialValue={initialCode} dark={dark} diagnostics={diagnostics}
              onChange={onChange} onRun={() => run("run")} label={`C# editor for ${kata.title}`} />
          </Suspense>
          {diagnostics.length > 0 && (
            <p className="diag-summary small" aria-live="polite">
              {diagnostics.filter((d) => d.severity === "error").length} error(s), {diagnostics.filter((d) => d.severity === "warning").length} warning(s): hover the underlined code.
            </p>
          )}

          <div className="results" aria-live="polite">
            {grading.state.status && grading.state.status !== "done" && (
              <>
                <h2>{grading.state.mode === "submit" ? "Grading your submission" : grading.state.mode === "replay" ? "Replaying" : "Running"}</h2>
                <ProgressBars stages={grading.state.stages} status={grading.state.status} />
              </>
            )}
            {grading.state.error != null && <ErrorBox error={grading.state.error} />}
            {report && (
              <>
                <h2>{grading.state.mode === "submit" ? "Submission" : grading.state.mode === "replay" ? "Replay" : "Run"} result</h2>
                {gradedOtherCode && <p className="muted small">You have edited the code since: line numbers refer to the code that was graded.</p>}
                <ReportView report={report} onSelectLine={showLine} onReplay={signedIn ? replay : undefined} />
              </>
            )}
          </div>
        </section>
      </div>
    </main>
  );
}
