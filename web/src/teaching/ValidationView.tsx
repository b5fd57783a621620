import type { Validation } from "./api";

/** The validation's live progress, then per check and per mutant: caught or missed, the finding, the schedules it took. */
export function ValidationView({ validation }: { validation: Validation }) {
  const running = validation.status === "queued" || validation.status === "running";
  return (
    <section className="validation" aria-live="polite">
      <h2>Validation of revision {validation.draftRevision}</h2>
      {running && (
        <div className="stage active">
          <span>{validation.stage}</span>{" "}
          <progress max={validation.total || 1} value={validation.done} aria-label="gradings done" /> {validation.done}/{validation.total || "?"}
        </div>
      )}
      {validation.status === "error" && <div className="error-box" role="alert"><strong>Validation could not run</strong><div>{validation.error}</div></div>}
      {validation.report && (
        <>
          <p className={`validation-verdict ${validation.report.passed ? "passed" : "failed"}`}>
            {validation.report.passed ? "✔ Valid: this revision can be published" : "✘ Not valid: fix what is marked, then validate again"}
          </p>
          <ul className="checks">
            {validation.report.checks.filter((c) => !c.subject.startsWith("mutant ")).map((c) => (
              <li key={c.subject} className={c.passed ? "ok" : "fail"}>{c.passed ? "✔" : "✘"} <strong>{c.subject}</strong>: {c.message}</li>
            ))}
          </ul>
          <table className="table mutants">
            <thead><tr><th scope="col">Mutant</th><th scope="col">Must fail with</th><th scope="col">Result</th><th scope="col">Found</th><th scope="col">Schedules</th></tr></thead>
            <tbody>
              {validation.report.mutants.map((m) => (
                <tr key={m.name} className={m.caught ? "caught" : "missed"}>
                  <td><strong>{m.name}</strong><div className="muted">{m.mistake}</div></td>
                  <td>{m.accepted.join(" or ")}</td>
                  <td className="mutant-result">{m.caught ? "✔ caught" : "✘ missed"}<div className="muted">{m.message}</div></td>
                  <td>{m.findings.join(", ") || "–"}{m.foundBy ? ` (${m.foundBy})` : ""}</td>
                  <td>{m.schedules ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="suggestion">Explore budget: {validation.report.suggestion}.</p>
        </>
      )}
    </section>
  );
}
