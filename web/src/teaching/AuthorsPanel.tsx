import { useEffect, useState } from "react";
import { ErrorBox } from "../app/ErrorBox";
import { useAuth } from "../auth/AuthContext";
import { teaching, type Author } from "./api";

/** Who authors the kata: the owner adds other instructors by email (they see and edit the hidden parts) and removes them. */
export function AuthorsPanel({ id }: { id: string }) {
  const { user } = useAuth();
  const [authors, setAuthors] = useState<Author[] | null>(null);
  const [email, setEmail] = useState("");
  const [error, setError] = useState<unknown>(null);
  useEffect(() => { teaching.authors(id).then(setAuthors, setError); }, [id]);
  if (!authors) return error != null ? <ErrorBox error={error} /> : null;
  const owner = authors.find((a) => a.owner);
  const mayManage = owner?.email === user?.email || (user?.roles.includes("admin") ?? false);
  const act = async (work: () => Promise<Author[]>) => {
    setError(null);
    try { setAuthors(await work()); } catch (e) { setError(e); }
  };

  return (
    <section className="authors" aria-label="Authors">
      <h2>Authors</h2>
      <ul>
        {authors.map((a) => (
          <li key={a.userId}>
            {a.displayName || a.email} <span className="muted">{a.email}{a.owner ? " (owner)" : ""}</span>{" "}
            {!a.owner && mayManage && <button type="button" className="link" onClick={() => act(() => teaching.removeAuthor(id, a.userId))}>remove</button>}
          </li>
        ))}
      </ul>
      {mayManage && (
        <form className="form-row" onSubmit={(e) => { e.preventDefault(); void act(async () => { const next = await teaching.addAuthor(id, email.trim()); setEmail(""); return next; }); }}>
          <label>Add an instructor as author <input type="email" name="author-email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="colleague@example.org" required /></label>
          <button type="submit">Add author</button>
        </form>
      )}
      {error != null && <ErrorBox error={error} />}
    </section>
  );
}
