// The interviewer's report of one candidate: per kata the final verdict, score breakdown, findings with their
// interleavings (the learners' ReportView), counts, a scrubbable replay of the code, and similarity matches side by
// side for a person to judge. Prints as a clean page (print CSS in screening.css).
import { useMemo, useState } from "react";
import { ErrorBox } from "../app/ErrorBox";
import { Link } from "../app/router";
import { useAsync } from "../app/useAsync";
import { ReportView } from "../grading/ReportView";
import { parsePastes } from "./pastes";
import { interviewerApi, minutes, type KataReport, type MatchRegion, type SimilarityMatch, type Snapshot } from "./screeningApi";
import "./screening.css";

export function CandidateReportPage({ screening, candidate }: { screening: string; candidate: string }) {
  const report = useAsync(() => interviewerApi.report(screening, candidate), [screening, candidate]);
  if (report.error) return <main className="page"><ErrorBox error={report.error} /></main>;
  const r = report.data;
  if (!r) return <main className="page"><p>Loading…</p></main>;
  return (
    <main className="page candidate-report">
      <p className="no-print"><Link to={`/screenings/${screening}`}>← {r.screening}</Link> · <button type="button" onClick={() => window.print()}>Print</button></p>
      <h1>{r.candidate.name}</h1>
      <p>{r.screening} · {r.candidate.state}{r.candidate.finishedBecause ? ` (${r.candidate.finishedBecause})` : ""} · time {minutes(r.timeSpentSeconds)} · total score {r.totalScore}
        {r.flags > 0 && <strong className="flag"> · ⚑ {r.flags} similarity flag(s) to look at</strong>}</p>
      {r.katas.map((k) => <KataSection key={k.kata} kata={k} />)}
    </main>
  );
}

function KataSection({ kata }: { kata: KataReport }) {
  return (
    <section className="kata-report">
      <h2>{kata.title}</h2>
      <p>Final: <strong>{kata.verdict ?? kata.status}</strong>{kata.score != null ? `, score ${kata.score}` : ""} · {kata.runs} runs · {kata.submits} submits · {kata.hintsOpened} hints opened · time {minutes(kata.timeSpentSeconds)}</p>
      {kata.report && <ReportView report={kata.report} onSelectLine={() => undefined} />}
      {kata.snapshots.length > 0 && <Replay snapshots={kata.snapshots} />}
      <h3>Similarity</h3>
      {kata.similarity.length === 0 ? <p className="muted">No notable match with other candidates or known solutions.</p>
        : kata.similarity.map((m, i) => <MatchView key={i} match={m} code={kata.snapshots.at(-1)?.code ?? ""} />)}
    </section>
  );
}

function Replay({ snapshots }: { snapshots: Snapshot[] }) {
  const [at, setAt] = useState(snapshots.length - 1);
  const snap = snapshots[Math.min(at, snapshots.length - 1)];
  const pastes = useMemo(() => parsePastes(snap.pastes), [snap]);
  const pasted = useMemo(() => new Set(pastes.flatMap((p) => Array.from({ length: p.endLine - p.line + 1 }, (_, i) => p.line + i))), [pastes]);
  return (
    <div className="replay">
      <h3>Code replay</h3>
      <label className="scrubber">
        Snapshot {at + 1} of {snapshots.length}
        <input type="range" min={0} max={snapshots.length - 1} value={at} onChange={(e) => setAt(Number(e.target.value))} aria-label="Code replay position" />
      </label>
      <p className="small" data-testid="replay-caption">
        <span className={`snap-kind ${snap.kind}`}>{snap.kind}</span> at {new Date(snap.createdAt).toLocaleTimeString()}
        {pastes.length > 0 && <strong className="paste"> · pasted: {pastes.map((p) => `${p.chars} chars at ${p.endLine > p.line ? `lines ${p.line}–${p.endLine}` : `line ${p.line}`}`).join(", ")}</strong>}
        {" "}
        <button type="button" onClick={() => setAt(Math.max(0, at - 1))} disabled={at === 0}>◀</button>
        <button type="button" onClick={() => setAt(Math.min(snapshots.length - 1, at + 1))} disabled={at === snapshots.length - 1}>▶</button>
      </p>
      <pre className="code" data-testid="replay-code">{snap.code.split("\n").map((line, i) => (
        <div key={i} className={pasted.has(i + 1) ? "pasted-line" : undefined}><span className="ln">{i + 1}</span>{line}</div>
      ))}</pre>
    </div>
  );
}

function MatchView({ match, code }: { match: SimilarityMatch; code: string }) {
  const left = inRegions(match.regions, (r) => [r.leftStartLine, r.leftEndLine]);
  const right = inRegions(match.regions, (r) => [r.rightStartLine, r.rightEndLine]);
  return (
    <details className={`match ${match.flagged ? "flagged" : ""}`} open={match.flagged}>
      <summary>{match.flagged ? "⚑ " : ""}{match.kind} {match.name}: {Math.round(match.score * 100)}% alike ({Math.round(match.thisCoverage * 100)}% of this code, {Math.round(match.otherCoverage * 100)}% of the other) · {match.regions.length} region(s) · for you to judge</summary>
      <div className="side-by-side">
        <Lines title="This candidate" code={code} marked={left} />
        <Lines title={`${match.kind}: ${match.name}`} code={match.otherCode} marked={right} />
      </div>
    </details>
  );
}

function inRegions(regions: MatchRegion[], range: (r: MatchRegion) => [number, number]): Map<number, number> {
  const marked = new Map<number, number>();
  regions.forEach((r, i) => {
    const [from, to] = range(r);
    for (let line = from; line <= to; line++) marked.set(line, i);
  });
  return marked;
}

function Lines({ title, code, marked }: { title: string; code: string; marked: Map<number, number> }) {
  return (
    <div>
      <h4>{title}</h4>
      <pre className="code">{code.split("\n").map((line, i) => (
        <div key={i} className={marked.has(i + 1) ? `match-line region-${marked.get(i + 1)! % 4}` : undefined}><span className="ln">{i + 1}</span>{line}</div>
      ))}</pre>
    </div>
  );
}
