// Monaco, bundled by Vite and served from our own origin: no CDN, no loader script.
// Only the editor core, its features (hover, find, diff...) and the C# grammar are imported;
// the one web worker Monaco needs for C# is built by Vite (`?worker`) into dist/assets.
import "monaco-editor/features/register.all";
import "monaco-editor/languages/definitions/csharp/register";
import * as monaco from "monaco-editor/editor/editor.api";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = { getWorker: () => new EditorWorker() };

export { monaco };
export type Monaco = typeof monaco;
