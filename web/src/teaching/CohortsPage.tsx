import { useState } from "react";
import { useAsync } from "../app/useAsync";
import { Link, navigate } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import { teaching } from "./api";
import { plural } from "./plural";

export function CohortsPage() {
  const cohorts = useAsync(() => teaching.cohorts(), []);
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>(null);
  return (
    <main className="page">
      <h1>Your cohorts</h1>
      <p><Link to="/teach">Your katas</Link></p>
      {cohorts.error != null && <ErrorBox error={cohorts.error} />}
      <ul>
        {(cohorts.data ?? []).map((c) => (
          <li key={c.id}><Link to={`/teach/cohorts/${c.id}`}>{c.name}</Link> ({plural(c.members, "learner")}, {plural(c.assignments, "kata")})</li>
        ))}
      </ul>
      <form className="form-row" onSubmit={async (e) => {
        e.preventDefault();
        try { const c = await teaching.createCohort(name); navigate(`/teach/cohorts/${c.id}`); } catch (err) { setError(err); }
      }}>
        <label>Name <input name="cohort-name" value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <button type="submit" className="primary">Create cohort</button>
      </form>
      {error != null && <ErrorBox error={error} />}
    </main>
  );
}
