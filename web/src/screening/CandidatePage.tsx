// The candidate's side of a screening: the invitation's start page (rules, time limit), then the same editor with Run
// and Submit, a countdown from the server's deadline, autosave every few seconds and pastes reported.
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import type { Diagnostic, GradeReport, Hints, ProgressEvent } from "../api/types";
import { ErrorBox } from "../app/ErrorBox";
import type { CodeEditorHandle } from "../editor/CodeEditor";
import { ProgressBars } from "../grading/ProgressBars";
import { ReportView, VERDICT_TEXT } from "../grading/ReportView";
import { applyProgress, finishStages, initialStages, type StageMap } from "../grading/stages";
import { Markdown } from "../markdown/Markdown";
import { trackEdit, toPastes, type Paste, type PastedSpan } from "./pastes";
import { candidateApi, type CandidateGrade, type CandidateSession, type InvitationPreview } from "./screeningApi";
import "./screening.css";

const CodeEditor = lazy(() => import("../editor/CodeEditor").then((m) => ({ default: m.CodeEditor })));

const AUTOSAVE_MS = 5000;
/** How often the page asks the server for the session (the interviewer may have given more time). */
const REFRESH_MS = 15000;
const DIAGNOSTICS_DELAY_MS = 600;

export function CandidatePage({ dark }: { dark: boolean }) {
  // The secret is in the fragment: it never reaches a server log; the page drops it from the address once read.
  const [token] = useState(() => location.hash.slice(1));
  const [session, setSession] = useState<CandidateSession | null | undefined>(undefined);
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);

  const load = useCallback(async () => {
    try {
      const s = await candidateApi.session();
      setSession(s);
      if (!s && token) setPreview(await candidateApi.preview(token));
    } catch (e) {
      setError(e);
    }
  }, [token]);
  useEffect(() => { void load(); }, [load]);

  const start = async () => {
    setStarting(true);
    try {
      await candidateApi.start(token);
      history.replaceState(null, "", location.pathname);
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setStarting(false);
    }
  };

  if (session) return <CandidateWorkspace session={session} dark={dark} onEnded={load} />;
  return (
    <main className="page screening-start">
      <h1>Coding screening</h1>
      {error != null && <ErrorBox error={error} />}
      {session === null && !token && <p>Open the invitation link you were sent: this browser holds no running session.</p>}
      {preview && (
        <>
          <h2>{preview.screening}</h2>
          <p>Hello {preview.candidate}.</p>
          <ul className="rules">
            <li>You have <strong>{Math.round(preview.timeLimitSeconds / 60)} minutes</strong> from the moment you press Start; the clock is kept by the server and does not stop when you close or reload the page.</li>
            <li>Katas: {preview.katas.map((k) => k.title).join(", ")}.</li>
            <li>Run checks your code quickly; Submit grades it fully. When time runs out, your last code of each kata is submitted for you, and nothing can be changed after.</li>
            <li>{preview.findingsShown === "full" ? "You see the grader's findings in full." : "You see whether each test passes, not the grader's findings."} {preview.hintsAllowed ? "Hints are allowed." : "There are no hints."}</li>
            <li>Use this browser only: the link works once, and the session stays in the browser where you press Start.</li>
          </ul>
          {preview.state === "invited" && <button type="button" className="primary" onClick={start} disabled={starting}>Start</button>}
          {preview.state === "resumable" && (
            <>
              <p>Your session is running: it ends at <strong>{new Date(preview.endsAt!).toLocaleTimeString()}</strong>. Your code so far is kept.</p>
              <button type="button" className="primary" onClick={start} disabled={starting}>Continue in this browser</button>
            </>
          )}
          {preview.state === "used" && <p className="muted">This link was used to start the session in another browser. If you lost that browser, ask the interviewer for a new link.</p>}
          {!["invited", "resumable", "used"].includes(preview.state) && <p className="muted">This invitation is {preview.state}.</p>}
        </>
      )}
    </main>
  );
}

function useCountdown(session: CandidateSession) {
  // The server's deadline, corrected by how far this machine's clock is from the server's.
  const [skew] = useState(() => Date.parse(session.now) - Date.now());
  const ends = Date.parse(session.endsAt);
  const [left, setLeft] = useState(() => Math.max(0, ends - (Date.now() + skew)));
  useEffect(() => {
    const timer = window.setInterval(() => setLeft(Math.max(0, ends - (Date.now() + skew))), 500);
    return () => window.clearInterval(timer);
  }, [ends, skew]);
  return left;
}

function CandidateWorkspace({ session, dark, onEnded }: { session: CandidateSession; dark: boolean; onEnded(): void }) {
  const [current, setCurrent] = useState(session.katas[0]?.id ?? "");
  const left = useCountdown(session);
  const ended = session.finishedAt != null || left <= 0;
  useEffect(() => {
    if (session.finishedAt != null) return;
    const timer = window.setInterval(onEnded, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [session.finishedAt, onEnded]);
  useEffect(() => {
    if (left <= 0 && session.finishedAt == null) {
      const t = window.setTimeout(onEnded, 1500);
      return () => window.clearTimeout(t);
    }
  }, [left, session.finishedAt, onEnded]);

  const mm = Math.floor(left / 60000);
  const ss = Math.floor((left % 60000) / 1000);
  return (
    <main className="kata-page candidate">
      <header className="kata-head">
        <h1>{session.screening}</h1>
        <div className={`countdown ${left < 60000 ? "urgent" : ""}`} role="timer" aria-live="off" data-testid="countdown">
          {ended ? "Time is up" : `${mm}:${String(ss).padStart(2, "0")} left`}
        </div>
        {!ended && <button type="button" onClick={async () => {
          if (window.confirm("Finish now? Your last code of each kata is submitted and nothing can be changed after.")) {
            await candidateApi.finish();
            onEnded();
          }
        }}>Finish</button>}
      </header>
      {ended && <p className="ended" role="status">The session has ended: your last code of each kata was submitted. Thank you.</p>}
      <div className="tabs" role="tablist" aria-label="Katas">
        {session.katas.map((k) => (
          <button key={k.id} role="tab" aria-selected={k.id === current} className={k.id === current ? "active" : ""} onClick={() => setCurrent(k.id)}>{k.title}</button>
        ))}
      </div>
      {session.katas.map((k) => (
        <div key={k.id} data-kata={k.id} hidden={k.id !== current}>
          <KataPane kata={k} dark={dark} ended={ended} hintsAllowed={session.hintsAllowed} />
        </div>
      ))}
    </main>
  );
}

function KataPane({ kata, dark, ended, hintsAllowed }: { kata: CandidateSession["katas"][number]; dark: boolean; ended: boolean; hintsAllowed: boolean }) {
  const editor = useRef<CodeEditorHandle>(null);
  const code = useRef(kata.code);
  const saved = useRef(kata.code);
  const pastes = useRef<PastedSpan[]>([]);
  const [saveText, setSaveText] = useState("");
  const grading = useCandidateGrading(kata.id);
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const diagTimer = useRef<number | null>(null);

  const onChange = useCallback((value: string) => {
    pastes.current = trackEdit(pastes.current, code.current, value);
    code.current = value;
    // The editor's squiggles, as for learners (compiler and API policy; nothing runs).
    if (diagTimer.current !== null) window.clearTimeout(diagTimer.current);
    diagTimer.current = window.setTimeout(async () => {
      try {
        setDiagnostics((await candidateApi.diagnostics(kata.id, code.current)).diagnostics);
      } catch {
        // a help while typing: Run shows the real errors
      }
    }, DIAGNOSTICS_DELAY_MS);
  }, [kata.id]);

  const save = useCallback(async (keepalive = false) => {
    if (code.current === saved.current && pastes.current.length === 0) return;
    // The spans stay until the server has them (edits meanwhile keep moving them); sent as lines of the code sent.
    const sent = { code: code.current, spans: pastes.current };
    try {
      await candidateApi.autosave(kata.id, sent.code, toPastes(sent.spans, sent.code), keepalive);
      saved.current = sent.code;
      pastes.current = pastes.current.filter((p) => !sent.spans.some((s) => s.id === p.id));
      setSaveText(`Saved ${new Date().toLocaleTimeString()}`);
    } catch (e) {
      setSaveText(e instanceof Error ? `Not saved: ${e.message}` : "Not saved");
    }
  }, [kata.id]);

  useEffect(() => {
    if (ended) return;
    const timer = window.setInterval(() => void save(), AUTOSAVE_MS);
    const flush = () => void save(true);
    window.addEventListener("pagehide", flush);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener("pagehide", flush);
    };
  }, [save, ended]);

  const run = (mode: "run" | "submit") => {
    if (ended || grading.busy) return;
    const sentPastes = toPastes(pastes.current, code.current);
    pastes.current = [];
    saved.current = code.current;
    void grading.start(code.current, mode, sentPastes);
  };

  return (
    <div className="workspace">
      <section className="side" aria-label="About this kata">
        <Markdown source={kata.statement} className="statement" />
        {hintsAllowed && kata.hintCount > 0 && <CandidateHints kata={kata.id} total={kata.hintCount} ended={ended} />}
      </section>
      <section className="main" aria-label="Your solution">
        <div className="toolbar">
          <button type="button" className="primary" onClick={() => run("run")} disabled={ended || grading.busy}>Run</button>
          <button type="button" className="primary submit" onClick={() => run("submit")} disabled={ended || grading.busy}>Submit</button>
          <span className="save-state muted small" aria-live="polite">{saveText}</span>
        </div>
        <Suspense fallback={<div className="code-editor loading">Loading the editor…</div>}>
          <CodeEditor ref={editor} initialValue={kata.code} dark={dark} diagnostics={diagnostics} onChange={onChange} onRun={() => run("run")}
            label={`C# editor for ${kata.title}`} />
        </Suspense>
        <div className="results" aria-live="polite">
          {grading.status && grading.status !== "done" && grading.status !== "error" && <ProgressBars stages={grading.stages} status={grading.status} />}
          {grading.error != null && <ErrorBox error={grading.error} />}
          {grading.report && <CandidateResult report={grading.report} onSelectLine={(l) => editor.current?.highlightLine(l)} />}
        </div>
      </section>
    </div>
  );
}

function CandidateHints({ kata, total, ended }: { kata: string; total: number; ended: boolean }) {
  const [hints, setHints] = useState<Hints | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => { candidateApi.hints(kata).then(setHints, setError); }, [kata]);
  const revealed = hints?.revealed ?? [];
  return (
    <section className="hints">
      <h3>Hints</h3>
      {error != null && <ErrorBox error={error} />}
      <ol>{revealed.map((h, i) => <li key={i}><Markdown source={h} /></li>)}</ol>
      {revealed.length < total && !ended && (
        <button type="button" onClick={async () => {
          try { setHints(await candidateApi.revealHint(kata)); } catch (e) { setError(e); }
        }}>Show hint {revealed.length + 1} of {total} (the interviewer sees how many you opened)</button>
      )}
    </section>
  );
}

function CandidateResult({ report, onSelectLine }: { report: CandidateGrade; onSelectLine(line: number | null): void }) {
  if (!("findingsHidden" in report)) return <ReportView report={report as GradeReport} onSelectLine={onSelectLine} />;
  return (
    <div className="report">
      <div className={`verdict ${report.verdict === "passed" ? "ok" : "bad"}`} role="status"><span className="verdict-word">{VERDICT_TEXT[report.verdict] ?? report.verdict}</span></div>
      {report.diagnostics && report.diagnostics.length > 0 && (
        <ul className="diagnostics">{report.diagnostics.map((d, i) => <li key={i}>line {d.line}: {d.message}</li>)}</ul>
      )}
      <table className="table">
        <thead><tr><th scope="col">Test</th><th scope="col">Outcome</th></tr></thead>
        <tbody>{report.tests.map((t) => <tr key={t.name}><td>{t.name}</td><td><span className={`outcome ${t.outcome}`}>{t.outcome}</span></td></tr>)}</tbody>
      </table>
    </div>
  );
}

/** Run/Submit for the candidate: POST, then the candidate's event stream (the report shaped by the screening's rules). */
function useCandidateGrading(kata: string) {
  const [status, setStatus] = useState<string | null>(null);
  const [stages, setStages] = useState<StageMap>(initialStages);
  const [report, setReport] = useState<CandidateGrade | null>(null);
  const [error, setError] = useState<unknown>(null);
  const source = useRef<EventSource | null>(null);
  useEffect(() => () => source.current?.close(), []);

  const start = useCallback(async (code: string, mode: "run" | "submit", pastes: Paste[]) => {
    source.current?.close();
    setStatus("posting");
    setStages(initialStages());
    setReport(null);
    setError(null);
    try {
      const { id } = await candidateApi.submit(kata, code, mode, pastes);
      setStatus("queued");
      const es = new EventSource(candidateApi.eventsUrl(id));
      source.current = es;
      es.addEventListener("progress", (e) => {
        setStatus("running");
        setStages((s) => applyProgress(s, JSON.parse((e as MessageEvent).data) as ProgressEvent));
      });
      es.addEventListener("done", (e) => {
        const done = JSON.parse((e as MessageEvent).data) as { status: string; report: CandidateGrade | null; error?: string };
        es.close();
        setStages((s) => finishStages(s));
        setStatus(done.status);
        setReport(done.report);
        if (done.status === "error") setError(new Error(done.error ?? "Grading failed on the server; try again."));
      });
      es.onerror = () => {
        if (es.readyState === EventSource.CLOSED) setError(new Error("The progress stream was closed; reload the page to see the result."));
      };
    } catch (e) {
      setStatus(null);
      setError(e);
    }
  }, [kata]);

  const busy = status === "posting" || status === "queued" || status === "running";
  return { status, stages, report, error, start, busy };
}
