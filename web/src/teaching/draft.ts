// A kata draft in the browser: its files by path and its manifest (kata.json). Adding, renaming and removing a file
// keeps the manifest's references in step; the server checks the same rules again on save (DraftFileRules).

export type Files = Record<string, string>;

export interface DraftRules { folders: string[]; extensions: string[]; findingKinds: string[]; maxFileBytes: number }

export interface MutantEntry { file: string; finding: string; also?: string[]; mistake: string }

/** kata.json as the form edits it; fields the form does not know are kept as they are. */
export interface Manifest {
  [field: string]: unknown;
  title?: string; difficulty?: string; order?: number; summary?: string; topics?: string[];
  statement?: string; starter?: string; reference?: string; tests?: string[];
  policy?: { allow?: string[]; deny?: string[] };
  budgets?: Record<string, number>;
  scoring?: { performanceWeight?: number; targetRatio?: number };
  mutants?: MutantEntry[];
  hints?: string[];
}

export const manifestPath = "kata.json";

/** The budgets a manifest may set, with the grader's defaults (KataBudgets) shown when a field is left out. */
export const budgetFields: { name: string; label: string; fallback: number; step: number }[] = [
  { name: "exploreSchedules", label: "Explore: schedules", fallback: 2000, step: 1 },
  { name: "exploreSeconds", label: "Explore: seconds", fallback: 5, step: 0.1 },
  { name: "exploreMaxSteps", label: "Explore: steps per schedule", fallback: 20000, step: 1 },
  { name: "stressIterations", label: "Stress: iterations", fallback: 2000, step: 1 },
  { name: "stressSeconds", label: "Stress: seconds", fallback: 2, step: 0.1 },
  { name: "iterationTimeoutSeconds", label: "Timeout per iteration (s)", fallback: 5, step: 0.1 },
  { name: "wallSeconds", label: "Wall clock per run (s)", fallback: 60, step: 1 },
  { name: "cpuSeconds", label: "CPU per run (s)", fallback: 90, step: 1 },
  { name: "memoryMb", label: "Memory (MB)", fallback: 512, step: 1 },
  { name: "maxThreads", label: "Threads", fallback: 256, step: 1 },
];

export type ParsedManifest = { manifest: Manifest; error: null } | { manifest: null; error: string };

export function parseManifest(text: string | undefined): ParsedManifest {
  if (text === undefined) return { manifest: null, error: "the draft has no kata.json" };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { manifest: null, error: "kata.json is not a JSON object" };
    return { manifest: value as Manifest, error: null };
  } catch (e) {
    return { manifest: null, error: `kata.json is not valid JSON (${(e as Error).message}): fix it in its editor, then the form comes back` };
  }
}

export function writeManifest(manifest: Manifest): string {
  return JSON.stringify(manifest, null, 2) + "\n";
}

/** The files with kata.json changed by `change` (a copy of the manifest is passed); unchanged when kata.json does not parse. */
export function withManifest(files: Files, change: (m: Manifest) => void): Files {
  const parsed = parseManifest(files[manifestPath]);
  if (!parsed.manifest) return files;
  const copy = structuredClone(parsed.manifest);
  change(copy);
  return { ...files, [manifestPath]: writeManifest(copy) };
}

/** Why `path` cannot be added as a file of the draft (the server's DraftFileRules, so the author hears it at once), or null. */
export function whyRefused(path: string, rules: Pick<DraftRules, "folders" | "extensions">, existing: string[]): string | null {
  if (path.length === 0) return "give the file a name";
  if (path.length > 200) return "a path is at most 200 characters";
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..") || !segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s)))
    return `'${path}' is not a file path inside the kata folder: letters, digits, '.', '-' and '_', with '/' between folders`;
  if (segments.length > 2 || (segments.length === 2 && !rules.folders.includes(segments[0])))
    return `'${path}' is not in an allowed place: the top of the kata folder or one of ${rules.folders.map((f) => f + "/").join(", ")}`;
  const name = segments[segments.length - 1];
  if (name.startsWith(".")) return `'${path}': a file name cannot start with '.'`;
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || !rules.extensions.includes(name.slice(dot))) return `'${path}' has no allowed extension (${rules.extensions.join(", ")})`;
  if (existing.some((p) => p.toLowerCase() === path.toLowerCase())) return `'${path}' exists already`;
  return null;
}

export type FileKind = "test" | "mutant" | "markdown" | "other";

/** Where a new file of a kind goes: "Ordering" as a test is tests/Ordering.cs; a full path is kept. */
export function pathFor(kind: FileKind, name: string): string {
  const n = name.trim();
  if (n.includes("/")) return n;
  switch (kind) {
    case "test": return `tests/${n.endsWith(".cs") ? n : n + ".cs"}`;
    case "mutant": return `mutants/${n.endsWith(".cs") ? n : n + ".cs"}`;
    case "markdown": return `hints/${n.endsWith(".md") ? n : n + ".md"}`;
    default: return n;
  }
}

/** Adds a file; a test is listed in the manifest's tests, a mutant (starting as a copy of the reference) in its mutants. */
export function addFile(files: Files, path: string, kind: FileKind, mutant?: { finding: string; mistake: string }): Files {
  const manifest = parseManifest(files[manifestPath]).manifest;
  const reference = files[manifest?.reference ?? "reference.cs"] ?? "";
  const content = kind === "mutant" ? reference
    : kind === "test" ? testTemplate(path)
    : path.endsWith(".md") ? `# ${baseName(path)}\n` : "";
  const added = { ...files, [path]: content };
  if (kind === "test") return withManifest(added, (m) => { m.tests = [...(m.tests ?? []), path]; });
  if (kind === "mutant") return withManifest(added, (m) => {
    m.mutants = [...(m.mutants ?? []), { file: path, finding: mutant?.finding ?? "", mistake: mutant?.mistake ?? "" }];
  });
  return added;
}

/** Renames a file and every manifest reference to it (statement, starter, reference, tests, mutants). */
export function renameFile(files: Files, from: string, to: string): Files {
  if (from === to || !(from in files)) return files;
  const moved: Files = {};
  for (const [p, text] of Object.entries(files)) moved[p === from ? to : p] = text;
  if (from === manifestPath) return moved;
  return withManifest(moved, (m) => {
    for (const field of ["statement", "starter", "reference"] as const) if (m[field] === from) m[field] = to;
    if (m.tests) m.tests = m.tests.map((t) => (t === from ? to : t));
    if (m.mutants) m.mutants = m.mutants.map((x) => (x.file === from ? { ...x, file: to } : x));
  });
}

/** Removes a file, and the manifest's test or mutant entry that named it. */
export function removeFile(files: Files, path: string): Files {
  const rest = { ...files };
  delete rest[path];
  if (path === manifestPath) return rest;
  return withManifest(rest, (m) => {
    if (m.tests) m.tests = m.tests.filter((t) => t !== path);
    if (m.mutants) m.mutants = m.mutants.filter((x) => x.file !== path);
  });
}

/** Monaco's language for a file: C# code, markdown, JSON, or plain text. */
export function languageOf(path: string): string {
  if (path.endsWith(".cs")) return "csharp";
  if (path.endsWith(".md")) return "markdown";
  if (path.endsWith(".json")) return "json";
  return "plaintext";
}

function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name.slice(0, name.lastIndexOf(".")) || name;
}

function testTemplate(path: string): string {
  const cls = baseName(path).replace(/[^A-Za-z0-9_]/g, "_");
  return `using KataServer.Testing;

namespace KataTests;

public static class ${/^[A-Za-z_]/.test(cls) ? cls : "T" + cls}
{
    [KataTest(Description = "Say what a correct solution guarantees here.")]
    public static void Describe_the_guarantee()
    {
        Concurrent.Run(2, _ =>
        {
        });
    }
}
`;
}
