import { useMemo, useState } from "react";
import { api, ApiError } from "../api/client";
import type { KataProgress, KataSummary, ProgressStatus } from "../api/types";
import { useAsync } from "../app/useAsync";
import { useAuth } from "../auth/AuthContext";
import { Link } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import { StatusMark } from "./StatusMark";

export function CataloguePage() {
  const { user } = useAuth();
  const katas = useAsync(() => api.katas(), []);
  const progress = useAsync(() => (user ? api.progress() : Promise.resolve([] as KataProgress[])), [user?.email]);
  const [query, setQuery] = useState("");
  const [difficulty, setDifficulty] = useState("");
  const [topic, setTopic] = useState("");
  const [status, setStatus] = useState<"" | ProgressStatus>("");

  const byKata = useMemo(() => new Map((progress.data ?? []).map((p) => [p.kata, p])), [progress.data]);
  const sorted = useMemo(() => [...(katas.data ?? [])].sort((a, b) => a.order - b.order), [katas.data]);
  const topics = useMemo(() => [...new Set(sorted.flatMap((k) => k.topics))].sort(), [sorted]);
  const difficulties = useMemo(() => [...new Set(sorted.map((k) => k.difficulty))], [sorted]);
  const statusOf = (k: KataSummary): ProgressStatus => byKata.get(k.id)?.status ?? "new";

  const q = query.trim().toLowerCase();
  const shown = sorted.filter((k) =>
    (!q || `${k.title} ${k.summary} ${k.topics.join(" ")}`.toLowerCase().includes(q)) &&
    (!difficulty || k.difficulty === difficulty) &&
    (!topic || k.topics.includes(topic)) &&
    (!status || statusOf(k) === status));
  const solved = sorted.filter((k) => statusOf(k) === "solved").length;

  return (
    <main className="page">
      <div className="page-head">
        <h1>Katas</h1>
        {user && sorted.length > 0 && (
          <div className="path-progress">
            <span>{solved} of {sorted.length} solved</span>
            <progress max={sorted.length} value={solved} aria-label="Katas solved on the learning path" />
          </div>
        )}
      </div>
      <p className="muted">In learning-path order: each kata builds on the ones before it.</p>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="title, topic…" />
        </label>
        <label>
          Difficulty
          <select value={difficulty} onChange={(e) => setDifficulty(e.target.value)}>
            <option value="">any</option>
            {difficulties.map((d) => <option key={d}>{d}</option>)}
          </select>
        </label>
        <label>
          Topic
          <select value={topic} onChange={(e) => setTopic(e.target.value)}>
            <option value="">any</option>
            {topics.map((t) => <option key={t}>{t}</option>)}
          </select>
        </label>
        {user && (
          <label>
            Status
            <select value={status} onChange={(e) => setStatus(e.target.value as "" | ProgressStatus)}>
              <option value="">any</option>
              <option value="new">not started</option>
              <option value="attempted">attempted</option>
              <option value="solved">solved</option>
            </select>
          </label>
        )}
      </form>
      {katas.error != null && (katas.error instanceof ApiError && katas.error.status === 401
        ? <p><Link to="/signin">Sign in</Link> or <Link to="/signup">create an account</Link> to see the katas.</p>
        : <ErrorBox error={katas.error} />)}
      {katas.loading && <p aria-live="polite">Loading katas…</p>}
      {!katas.loading && !katas.error && shown.length === 0 && <p>No kata matches these filters.</p>}
      <ol className="kata-list">
        {shown.map((k) => {
          const p = byKata.get(k.id);
          return (
            <li key={k.id} className="kata-card">
              <div className="kata-card-head">
                <span className="order" aria-label={`Kata ${k.order}`}>{k.order}</span>
                <h2><Link to={`/katas/${encodeURIComponent(k.id)}`}>{k.title}</Link></h2>
                {user && <StatusMark status={p?.status ?? "new"} />}
              </div>
              <p>{k.summary}</p>
              <div className="tags">
                <span className={`difficulty ${k.difficulty}`}>{k.difficulty}</span>
                {k.topics.map((t) => <span key={t} className="tag">{t}</span>)}
                {p && p.attempts > 0 && <span className="muted small">{p.attempts} attempt{p.attempts === 1 ? "" : "s"}{p.bestScore != null ? `, best ${p.bestScore}` : ""}</span>}
              </div>
            </li>
          );
        })}
      </ol>
    </main>
  );
}
