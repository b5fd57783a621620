import { useMemo } from "react";
import { renderMarkdown } from "./render";

/** Markdown from the server, rendered and sanitized (render.ts) before it becomes HTML. */
export function Markdown({ source, className }: { source: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className={`markdown ${className ?? ""}`} dangerouslySetInnerHTML={{ __html: html }} />;
}
