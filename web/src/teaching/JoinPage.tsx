import { useAsync } from "../app/useAsync";
import { Link } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";
import { teaching } from "./api";

/** Where an invite link lands: joins the cohort and lists what is assigned. */
export function JoinPage({ token }: { token: string }) {
  const joined = useAsync(() => teaching.join(token), [token]);
  if (joined.error) return <main className="page"><ErrorBox error={joined.error} /></main>;
  if (!joined.data) return <main className="page"><p>Joining…</p></main>;
  return (
    <main className="page">
      <h1>You joined {joined.data.name}</h1>
      <ul>
        {joined.data.assignments.map((a) => (
          <li key={a.kata}><Link to={`/katas/${encodeURIComponent(a.kata)}`}>{a.title}</Link>{a.dueAt ? `, due ${new Date(a.dueAt).toLocaleDateString()}` : ""}</li>
        ))}
      </ul>
    </main>
  );
}
