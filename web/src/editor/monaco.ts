// Monaco, bundled by Vite and served from our own origin: no CDN, no loader script.
// Only the editor core, its features (hover, find, diff...), the C# and markdown grammars and JSON (a kata's manifest)
// are imported; the web workers (the editor's, and JSON's for its checks) are built by Vite (`?worker`) into dist/assets.
import "monaco-editor/features/register.all";
import "monaco-editor/languages/definitions/csharp/register";
import "monaco-editor/languages/definitions/markdown/register";
import { jsonDefaults } from "monaco-editor/languages/features/json/register";
import * as monaco from "monaco-editor/editor/editor.api";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import JsonWorker from "monaco-editor/languages/features/json/json.worker?worker";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = { getWorker: (_id, label) => (label === "json" ? new JsonWorker() : new EditorWorker()) };
// kata.json is read with comments and trailing commas allowed (KataLoader.ParseManifest): do not flag them.
jsonDefaults.setDiagnosticsOptions({ validate: true, allowComments: true, trailingCommas: "ignore", comments: "ignore" });

export { monaco };
export type Monaco = typeof monaco;
