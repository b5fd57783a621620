import type { KataStats } from "./api";

/** Pass rate per assigned kata as horizontal bars, with the most frequent finding kind written beside each (SVG, in the page). */
export function CohortChart({ katas }: { katas: KataStats[] }) {
  const row = 34;
  const label = 170;
  const bar = 300;
  const height = katas.length * row + 24;
  return (
    <svg className="cohort-chart" role="img" width={label + bar + 230} height={height} viewBox={`0 0 ${label + bar + 230} ${height}`}
      aria-label={katas.map((k) => `${k.kata}: ${Math.round(k.passRate * 100)} % passed`).join("; ")}>
      {katas.map((k, i) => {
        const y = i * row + 4;
        const top = k.findingKinds[0];
        return (
          <g key={k.kata} className="chart-row">
            <text x={label - 8} y={y + 18} textAnchor="end" className="chart-label">{k.kata}</text>
            <rect x={label} y={y + 4} width={bar} height={20} className="chart-track" />
            <rect x={label} y={y + 4} width={Math.max(0, k.passRate) * bar} height={20} className="chart-bar" />
            <text x={label + bar + 8} y={y + 18} className="chart-value">
              {Math.round(k.passRate * 100)} % passed{top ? ` · most found: ${top.name} (${top.times})` : ""}
            </text>
          </g>
        );
      })}
      <text x={label} y={height - 4} className="chart-axis">0 %</text>
      <text x={label + bar} y={height - 4} textAnchor="end" className="chart-axis">100 %</text>
    </svg>
  );
}
