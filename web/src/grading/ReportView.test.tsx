// Renders the report and the timeline as the page does (static markup, no server), checks what a
// learner relies on, and, when REPORT_HTML_DIR is set, writes the pages out to look at in a browser.
import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GradeReport } from "../api/types";
import { ReportView } from "./ReportView";
import deadlockReport from "../trace/fixtures/deadlock-transfer.explore.json";
import hitCounterReport from "../trace/fixtures/hit-counter.explore.json";
import compileReport from "../trace/fixtures/compile-error.json";

const render = (report: GradeReport) => {
  const html = renderToStaticMarkup(<ReportView report={report} onSelectLine={() => undefined} onReplay={() => undefined} />);
  const div = document.createElement("div");
  div.innerHTML = html;
  return { html, dom: div };
};

function writeOut(name: string, html: string) {
  const dir = process.env.REPORT_HTML_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const css = readFileSync(join(__dirname, "..", "styles.css"), "utf8");
  for (const theme of ["light", "dark"]) {
    writeFileSync(join(dir, `${name}-${theme}.html`),
      `<!doctype html><html data-theme="${theme}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><style>${css} .timeline-scroll { max-height: none; }</style></head>` +
      `<body><main class="page">${html}</main></body></html>`);
  }
}

describe("ReportView", () => {
  it("shows the deadlock with its verdict, tests, token and a timeline of two lanes plus main, cycle highlighted", () => {
    const { html, dom } = render(deadlockReport as GradeReport);
    writeOut("deadlock", html);
    expect(dom.querySelector(".verdict-word")?.textContent).toBe("Failed");
    expect(dom.querySelectorAll("tbody tr")).toHaveLength(6);
    expect(dom.querySelector(".token")?.textContent).toMatch(/^OppositeTransfers@ks/);
    const firstTimeline = dom.querySelector(".timeline")!;
    const lanes = [...firstTimeline.querySelectorAll(".lane-title")].map((t) => t.textContent);
    expect(lanes).toEqual(["main", "thread 1", "thread 2"]);
    expect(firstTimeline.querySelectorAll(".lane-title.in-cycle")).toHaveLength(2);
    const cycleSteps = [...firstTimeline.querySelectorAll("g.step.cycle text")].map((t) => t.textContent);
    expect(cycleSteps.some((t) => t?.startsWith("blocked: waits for lock B"))).toBe(true);
    expect(cycleSteps.some((t) => t?.startsWith("blocked: waits for lock A"))).toBe(true);
  });

  it("says why a test did not run", () => {
    const report = deadlockReport as GradeReport;
    const skipped = { ...report.tests[0], outcome: "skipped" as const, runs: 0, skippedBecause: "not run: the grade stopped at its first failing test" };
    const { dom } = render({ ...report, tests: [report.tests[1], skipped] });
    const rows = [...dom.querySelectorAll("tbody tr")];
    expect(rows[1].querySelector(".outcome.skipped")?.textContent).toBe("skipped");
    expect(rows[1].querySelector(".skipped-because")?.textContent).toContain("stopped at its first failing test");
    expect(rows[0].querySelector(".skipped-because")).toBeNull();
  });

  it("shows the racing accesses of a lost update", () => {
    const { html, dom } = render(hitCounterReport as GradeReport);
    writeOut("lost-update", html);
    expect(dom.querySelector(".race-text")?.textContent).toContain("HitCounter._count");
    expect(dom.querySelectorAll("g.step.race").length).toBeGreaterThan(1);
  });

  it("lists compile errors with their lines", () => {
    const { html, dom } = render(compileReport as GradeReport);
    writeOut("compile-error", html);
    expect(dom.querySelector(".verdict-word")?.textContent).toBe("Does not compile");
    expect(dom.querySelector(".diagnostics")?.textContent).toContain("CS1002");
  });

  it("shows what the learner's code printed and the messages as text, never as HTML", () => {
    const hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";
    const report: GradeReport = {
      ...(deadlockReport as GradeReport),
      findings: [{ kind: "exception", test: "T<b>x</b>", message: hostile, replay: "T@ks1.<i>", trace: [{ step: 0, thread: 0, threadName: "<b>main</b>", action: hostile, line: 3 }] }],
      run: { output: hostile, outputTruncated: false },
    };
    const { dom } = render(report);
    expect(dom.querySelector("img, script, b, i")).toBeNull();
    expect(dom.querySelector(".output")?.textContent).toBe(hostile);
    expect(dom.querySelector(".finding-message")?.textContent).toBe(hostile);
  });
});
