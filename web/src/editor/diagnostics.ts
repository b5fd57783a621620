// Server diagnostics (1-based lines and columns) -> Monaco markers. Pure, so it is testable
// and the editor component only hands the result to monaco.editor.setModelMarkers.
import type { Diagnostic } from "../api/types";

export interface MarkerData {
  severity: 8 | 4; // monaco.MarkerSeverity.Error / Warning
  message: string;
  code: string;
  source: string;
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

export function toMarkers(diagnostics: readonly Diagnostic[], lineLength: (line: number) => number, lineCount: number): MarkerData[] {
  return diagnostics.map((d) => {
    const line = clamp(d.line || 1, 1, lineCount);
    const endLine = clamp(d.endLine ?? line, line, lineCount);
    const startColumn = Math.max(1, d.column || 1);
    let endColumn = d.endColumn ?? startColumn + 1;
    if (endLine === line && endColumn <= startColumn) {
      // A zero-width span ("; expected") would not show: underline the word or the end of the line.
      endColumn = Math.max(startColumn + 1, Math.min(lineLength(line) + 1, startColumn + 1));
    }
    return {
      severity: d.severity === "error" ? 8 : 4,
      message: d.message,
      code: d.id,
      source: d.source === "policy" ? "policy" : "compiler",
      startLineNumber: line,
      startColumn,
      endLineNumber: endLine,
      endColumn,
    };
  });
}

function clamp(value: number, lo: number, hi: number) {
  return Math.min(Math.max(value, lo), Math.max(lo, hi));
}
