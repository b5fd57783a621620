import { api } from "../api/client";
import { useAsync } from "../app/useAsync";
import { ErrorBox } from "../app/ErrorBox";

export function LeaderboardPanel({ kata, reloadKey }: { kata: string; reloadKey: number }) {
  const board = useAsync(() => api.leaderboard(kata), [kata, reloadKey]);
  if (board.error) return <ErrorBox error={board.error} />;
  if (!board.data) return <p>Loading the leaderboard…</p>;
  if (board.data.length === 0) return <p className="muted">Nobody has passed this kata yet.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="muted small">Best score per learner, ties by who got there first</caption>
        <thead><tr><th scope="col">Rank</th><th scope="col">Learner</th><th scope="col">Score</th><th scope="col">When</th></tr></thead>
        <tbody>
          {board.data.map((e) => (
            <tr key={`${e.rank}-${e.displayName}`}>
              <td>{e.rank}</td><td>{e.displayName}</td><td>{e.score}</td><td>{new Date(e.submittedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
