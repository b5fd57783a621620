import { forwardRef, useEffect, useImperativeHandle, useRef } from "react";
import { monaco } from "./monaco";
import { toMarkers } from "./diagnostics";
import type { Diagnostic } from "../api/types";

export interface CodeEditorHandle {
  getValue(): string;
  setValue(code: string): void;
  /** Scroll to a line and highlight it (the line a trace step points at); null clears. */
  highlightLine(line: number | null): void;
  focus(): void;
}

interface Props {
  initialValue: string;
  dark: boolean;
  diagnostics: readonly Diagnostic[];
  onChange(code: string): void;
  /** Ctrl/Cmd+Enter */
  onRun(): void;
  label: string;
  /** Monaco's language id (default C#). */
  language?: string;
}

export const CodeEditor = forwardRef<CodeEditorHandle, Props>(function CodeEditor(props, ref) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const decorations = useRef<monaco.editor.IEditorDecorationsCollection | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const instance = monaco.editor.create(host.current!, {
      value: props.initialValue,
      language: props.language ?? "csharp",
      theme: props.dark ? "vs-dark" : "vs",
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 14,
      scrollBeyondLastLine: false,
      tabSize: 4,
      ariaLabel: props.label,
      fixedOverflowWidgets: true,
    });
    editor.current = instance;
    decorations.current = instance.createDecorationsCollection();
    const sub = instance.onDidChangeModelContent(() => latest.current.onChange(instance.getValue()));
    instance.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => latest.current.onRun());
    return () => {
      sub.dispose();
      instance.getModel()?.dispose();
      instance.dispose();
    };
    // The editor is created once; value changes go through the handle.
  }, []);

  useEffect(() => {
    monaco.editor.setTheme(props.dark ? "vs-dark" : "vs");
  }, [props.dark]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (!model) return;
    const markers = toMarkers(props.diagnostics, (l) => model.getLineLength(l), model.getLineCount());
    monaco.editor.setModelMarkers(model, "kataserver", markers);
  }, [props.diagnostics]);

  useImperativeHandle(ref, () => ({
    getValue: () => editor.current?.getValue() ?? "",
    setValue: (code) => editor.current?.setValue(code),
    focus: () => editor.current?.focus(),
    highlightLine(line) {
      const e = editor.current;
      if (!e || !decorations.current) return;
      if (line === null) {
        decorations.current.clear();
        return;
      }
      decorations.current.set([
        { range: new monaco.Range(line, 1, line, 1), options: { isWholeLine: true, className: "trace-line", linesDecorationsClassName: "trace-line-gutter" } },
      ]);
      e.revealLineInCenterIfOutsideViewport(line);
    },
  }));

  return <div className="code-editor" ref={host} role="group" aria-label={props.label} />;
});

export function DiffView({ original, modified, dark }: { original: string; modified: string; dark: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const diff = monaco.editor.createDiffEditor(host.current!, {
      readOnly: true, automaticLayout: true, renderSideBySide: window.innerWidth > 800,
      hideUnchangedRegions: { enabled: true }, // show what changed, fold the rest
      minimap: { enabled: false }, scrollBeyondLastLine: false, theme: dark ? "vs-dark" : "vs",
    });
    const a = monaco.editor.createModel(original, "csharp");
    const b = monaco.editor.createModel(modified, "csharp");
    diff.setModel({ original: a, modified: b });
    return () => {
      diff.dispose();
      a.dispose();
      b.dispose();
    };
  }, [original, modified, dark]);
  return <div className="diff-view" ref={host} />;
}

export function CodeView({ code, dark }: { code: string; dark: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const e = monaco.editor.create(host.current!, {
      value: code, language: "csharp", readOnly: true, automaticLayout: true,
      minimap: { enabled: false }, scrollBeyondLastLine: false, theme: dark ? "vs-dark" : "vs",
    });
    return () => {
      e.getModel()?.dispose();
      e.dispose();
    };
  }, [code, dark]);
  return <div className="diff-view" ref={host} />;
}
