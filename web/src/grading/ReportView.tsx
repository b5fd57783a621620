// The verdict and everything under it. Learner output and messages are shown as text
// (React escapes them); nothing from a report is ever inserted as HTML.
import { useState } from "react";
import type { Finding, GradeReport } from "../api/types";
import { TraceTimeline } from "../trace/TraceTimeline";

export const VERDICT_TEXT: Record<string, string> = {
  passed: "Passed",
  failed: "Failed",
  compile_error: "Does not compile",
  policy_violation: "Uses a forbidden API",
  timeout: "Timed out",
  crashed: "Crashed",
};

interface Props {
  report: GradeReport;
  onSelectLine(line: number | null): void;
  onReplay?(finding: Finding): void;
}

export function ReportView({ report, onSelectLine, onReplay }: Props) {
  const passed = report.verdict === "passed";
  const b = report.scoreBreakdown;
  return (
    <div className="report">
      <div className={`verdict ${passed ? "ok" : "bad"}`} role="status">
        <span className="verdict-word">{VERDICT_TEXT[report.verdict] ?? report.verdict}</span>
        <span className="score">score {report.score}</span>
      </div>
      {b && (
        <p className="breakdown">
          correctness {b.correctness} + performance {b.performance} / {b.performanceMax}
          {b.explanation ? <span className="muted"> · {b.explanation}</span> : null}
        </p>
      )}

      {report.diagnostics && report.diagnostics.length > 0 && (
        <section>
          <h3>Diagnostics</h3>
          <ul className="diagnostics">
            {report.diagnostics.map((d, i) => (
              <li key={i}>
                <button type="button" className="link" onClick={() => onSelectLine(d.line)}>line {d.line}:{d.column}</button>{" "}
                <span className={d.severity}>{d.severity}</span> {d.id}: {d.message}
              </li>
            ))}
          </ul>
        </section>
      )}

      {report.findings.length > 0 && (
        <section>
          <h3>Findings</h3>
          {report.findings.map((f, i) => <FindingView key={i} finding={f} onSelectLine={onSelectLine} onReplay={onReplay} open={i === 0} />)}
        </section>
      )}

      {report.notices && report.notices.length > 0 && (
        <section>
          <h3>Notices</h3>
          <ul>{report.notices.map((n, i) => <li key={i}><strong>{n.test}</strong>: {n.message}</li>)}</ul>
        </section>
      )}

      {report.tests.length > 0 && (
        <section>
          <h3>Tests</h3>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr><th scope="col">Test</th><th scope="col">Outcome</th><th scope="col">Mode</th><th scope="col">Runs</th><th scope="col">Time</th></tr>
              </thead>
              <tbody>
                {report.tests.map((t, i) => (
                  <tr key={i}>
                    <td>{t.name}</td>
                    <td>
                      <span className={`outcome ${t.outcome}`}>{t.outcome}</span>
                      {t.skippedBecause ? <span className="muted skipped-because"> {t.skippedBecause}</span> : null}
                    </td>
                    <td>{t.mode}</td>
                    <td>{t.runs}{t.exhausted ? <span title="every schedule within the bound was explored"> (all schedules)</span> : null}</td>
                    <td>{t.durationMs} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {report.performance && report.performance.benchmarks.length > 0 && (
        <section>
          <h3>Performance</h3>
          <p>Throughput {Math.round(report.performance.ratio * 100)}% of the reference.</p>
          <div className="table-wrap">
            <table className="table">
              <thead><tr><th scope="col">Benchmark</th><th scope="col">Threads</th><th scope="col">Yours (ops/s)</th><th scope="col">Reference (ops/s)</th></tr></thead>
              <tbody>
                {report.performance.benchmarks.map((p, i) => (
                  <tr key={i}><td>{p.benchmark}</td><td>{p.threads}</td><td>{Math.round(p.submissionOpsPerSecond).toLocaleString()}</td><td>{Math.round(p.referenceOpsPerSecond).toLocaleString()}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {report.run?.output && (
        <section>
          <h3>Your code printed</h3>
          <pre className="output">{report.run.output}</pre>
          {report.run.outputTruncated && <p className="muted small">(cut at the output limit)</p>}
        </section>
      )}
    </div>
  );
}

function FindingView({ finding, onSelectLine, onReplay, open }: { finding: Finding; onSelectLine(line: number | null): void; onReplay?(f: Finding): void; open: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!finding.replay) return;
    try {
      await navigator.clipboard.writeText(finding.replay);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      // No clipboard (plain http): the token is selectable text.
      const el = document.getElementById(`token-${finding.replay}`);
      if (el) window.getSelection()?.selectAllChildren(el);
    }
  };
  return (
    <details className="finding" open={open}>
      <summary>
        <span className={`kind kind-${finding.kind}`}>{finding.kind}</span>
        {finding.test ? <strong> {finding.test}</strong> : null}
      </summary>
      <p className="finding-message">{finding.message}</p>
      {finding.replay && (
        <div className="replay">
          <span className="muted small">Replay token</span>
          <code id={`token-${finding.replay}`} className="token">{finding.replay}</code>
          <button type="button" onClick={copy} aria-label="Copy the replay token">{copied ? "Copied" : "Copy"}</button>
          {onReplay && <button type="button" onClick={() => onReplay(finding)}>Replay this interleaving</button>}
        </div>
      )}
      {finding.trace && finding.trace.length > 0 && <TraceTimeline finding={finding} onSelectLine={onSelectLine} />}
    </details>
  );
}
