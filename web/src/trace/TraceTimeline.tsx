// Draws a TimelineLayout as SVG. All placement comes from layout.ts; this file only renders
// and handles selection (click, keyboard) and expanding collapsed runs.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { Finding } from "../api/types";
import { layoutTrace, stepLabel, stepWhere, type Row } from "./layout";

const LANE_WIDTH = 190;
/** on a phone, lanes are narrower: labels run on over the lanes to their right anyway */
const NARROW_LANE_WIDTH = 112;
/** longer labels (an exception message) are cut; the full text is in the step's tooltip */
const MAX_LABEL = 90;

interface Props {
  finding: Finding;
  /** Called with the learner's line of the selected step (null when it has none). */
  onSelectLine(line: number | null): void;
}

export function TraceTimeline({ finding, onSelectLine }: Props) {
  const trace = finding.trace ?? [];
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const laneWidth = useLaneWidth();
  const layout = useMemo(() => layoutTrace(trace, finding.kind, { expanded, laneWidth, charWidth: 7.3 }), [trace, finding.kind, expanded, laneWidth]);
  const [selected, setSelected] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const liveId = useId();

  const select = (index: number | null) => {
    setSelected(index);
    onSelectLine(index === null ? null : trace[index]?.line ?? null);
  };
  useEffect(() => () => onSelectLine(null), []); // eslint-disable-line react-hooks/exhaustive-deps
  // The bug is at the end of the trace: start there.
  useEffect(() => {
    if (!box.current) return;
    box.current.scrollTop = box.current.scrollHeight;
    const lastRow = layout.rows[layout.rows.length - 1];
    if (lastRow && lastRow.kind !== "gap" && layout.lanes[lastRow.lane].x > box.current.clientWidth - 160) {
      box.current.scrollLeft = layout.lanes[lastRow.lane].x - 24;
    }
  }, [finding]); // eslint-disable-line react-hooks/exhaustive-deps

  // Keep the selected row in view while stepping with the keyboard.
  useEffect(() => {
    if (selected === null || !box.current) return;
    const row = layout.rows.find((r) => r.kind === "step" && r.index === selected);
    if (!row) return;
    const el = box.current;
    if (row.y < el.scrollTop + 40 || row.y > el.scrollTop + el.clientHeight - 40) el.scrollTop = row.y - el.clientHeight / 2;
    if (row.kind === "step") {
      const x = layout.lanes[row.lane].x;
      if (x < el.scrollLeft + 8 || x > el.scrollLeft + el.clientWidth - 160) el.scrollLeft = x - 24;
    }
  }, [selected, layout]);

  const move = (delta: number) => {
    const order = layout.stepOrder;
    if (order.length === 0) return;
    const at = selected === null ? -1 : order.indexOf(selected);
    const next = at < 0 ? (delta > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, at + delta));
    select(order[next]);
  };
  const onKey = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(1), ArrowRight: () => move(1), j: () => move(1),
      ArrowUp: () => move(-1), ArrowLeft: () => move(-1), k: () => move(-1),
      Home: () => select(layout.stepOrder[0] ?? null), End: () => select(layout.stepOrder[layout.stepOrder.length - 1] ?? null),
      Escape: () => select(null),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  const current = selected === null ? null : trace[selected];
  const position = selected === null ? 0 : layout.stepOrder.indexOf(selected) + 1;
  const hasCollapsed = layout.rows.some((r) => r.kind === "collapsed");

  return (
    <section className="timeline" aria-label={`Interleaving of ${finding.test ?? finding.kind}`}>
      {layout.cycleText.length > 0 && (
        <div className="timeline-summary cycle-text">
          <strong>Deadlock cycle:</strong>
          <ul>{layout.cycleText.map((t) => <li key={t}>{t}</li>)}</ul>
        </div>
      )}
      {layout.racyLocations.length > 0 && (
        <div className="timeline-summary race-text">
          <strong>Racing accesses</strong> (no lock, start or join orders them): {layout.racyLocations.join(", ")}
        </div>
      )}
      <div className="timeline-controls">
        <button type="button" onClick={() => move(-1)} aria-keyshortcuts="ArrowUp">◀ Previous step</button>
        <button type="button" onClick={() => move(1)} aria-keyshortcuts="ArrowDown">Next step ▶</button>
        {hasCollapsed && (
          <button type="button" onClick={() => setExpanded(new Set(layout.rows.filter((r) => r.kind === "collapsed").map((r) => (r.kind === "collapsed" ? r.runStart : -1))))}>
            Show every step
          </button>
        )}
        {expanded.size > 0 && <button type="button" onClick={() => setExpanded(new Set())}>Collapse long runs</button>}
        <span className="legend">
          <span className="key cycle">cycle</span> <span className="key race">race</span> <span className="key blocked">blocked</span>
        </span>
      </div>
      <p id={liveId} className="timeline-status" aria-live="polite">
        {current
          ? `Step ${current.step} (${position} of ${layout.stepOrder.length} shown): ${current.threadName}, ${stepLabel(current)}${current.byTest ? ", the test's own step" : current.line ? `, line ${current.line}` : ""}`
          : "Focus the timeline and use the arrow keys (or j/k) to step through the interleaving; click a step to see its line."}
      </p>
      <div className="timeline-scroll" ref={box} tabIndex={0} onKeyDown={onKey} role="group"
        aria-label="Timeline: one column per thread, time flows down. Arrow keys step forward and back."
        aria-describedby={liveId}>
        <svg width={layout.width} height={layout.height} className="timeline-svg" role="img"
          aria-label={`${layout.lanes.length} threads, ${trace.length} steps`}>
          {layout.lanes.map((lane) => {
            const last = lane.index === layout.lanes.length - 1;
            return (
              <g key={lane.thread}>
                <rect x={lane.left} y={0} width={last ? layout.width - lane.left : laneWidth} height={layout.height} className={lane.index % 2 ? "lane-bg odd" : "lane-bg"} />
                <text x={lane.left + 10} y={24} className={`lane-title${layout.cycle.includes(lane.thread) ? " in-cycle" : ""}`}>{lane.name}</text>
                <line x1={lane.x} x2={lane.x} y1={34} y2={layout.height} className="lane-line" />
              </g>
            );
          })}
          {layout.switches.map((s, i) => (
            <path key={i} className="switch" fill="none"
              d={`M${layout.lanes[s.fromLane].x},${s.y1} V${s.yCross} H${layout.lanes[s.toLane].x} V${s.y2}`} />
          ))}
          {layout.rows.map((row, i) => (
            <RowView key={i} row={row} width={layout.width} laneX={row.kind === "gap" ? 0 : layout.lanes[row.lane].x} selected={row.kind === "step" && row.index === selected}
              onSelect={(index) => {
                select(index);
                box.current?.focus({ preventScroll: true });
              }}
              onExpand={(runStart) => setExpanded(new Set([...expanded, runStart]))} />
          ))}
        </svg>
      </div>
    </section>
  );
}

function useLaneWidth(): number {
  const query = "(max-width: 600px)";
  const [narrow, setNarrow] = useState(() => typeof matchMedia === "function" && matchMedia(query).matches);
  useEffect(() => {
    if (typeof matchMedia !== "function") return;
    const list = matchMedia(query);
    const update = () => setNarrow(list.matches);
    list.addEventListener("change", update);
    return () => list.removeEventListener("change", update);
  }, []);
  return narrow ? NARROW_LANE_WIDTH : LANE_WIDTH;
}

function RowView({ row, width, laneX: x, selected, onSelect, onExpand }: {
  row: Row; width: number; laneX: number; selected: boolean; onSelect(index: number): void; onExpand(runStart: number): void;
}) {
  if (row.kind === "gap") {
    return (
      <g className="gap">
        <line x1={0} x2={width} y1={row.y} y2={row.y} />
        <text x={8} y={row.y - 4}>{row.label}</text>
      </g>
    );
  }
  if (row.kind === "collapsed") {
    return (
      <g className="collapsed" onClick={() => onExpand(row.runStart)}>
        <title>Show these steps</title>
        <line x1={x} x2={x} y1={row.y - 8} y2={row.y + 8} />
        <text x={x + 12} y={row.y + 4}>{row.label}</text>
      </g>
    );
  }
  const label = row.label.length > MAX_LABEL ? row.label.slice(0, MAX_LABEL - 1) + "…" : row.label;
  const cls = ["step", ...row.marks, selected ? "selected" : ""].join(" ");
  return (
    <g className={cls} onClick={() => onSelect(row.index)}>
      <title>{`step ${row.step.step}, ${row.step.threadName}: ${row.label}${row.step.byTest ? " (the test's own step)" : row.step.line ? ` (line ${row.step.line})` : ""}`}</title>
      {selected && <rect x={0} y={row.y - 13} width={width} height={26} className="selected-bg" />}
      <circle cx={x} cy={row.y} r={row.marks.length ? 6 : 4.5} />
      <text x={x + 12} y={row.y + 4}>
        {label}
        {stepWhere(row.step) ? <tspan className="line-ref">{stepWhere(row.step)}</tspan> : null}
      </text>
    </g>
  );
}
