import { useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import { useAuth } from "./AuthContext";
import { Link, navigate } from "../app/router";
import { ErrorBox } from "../app/ErrorBox";

export function AuthPage({ mode }: { mode: "signin" | "signup" }) {
  const { setUser } = useAuth();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const signup = mode === "signup";
  const next = new URLSearchParams(location.search).get("next");

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = signup ? await api.signUp(email, password, displayName) : await api.signIn(email, password);
      await api.me().catch(() => undefined); // refresh the antiforgery cookie for the signed-in user
      setUser(user);
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="page narrow">
      <h1>{signup ? "Create your account" : "Sign in"}</h1>
      <form className="form" onSubmit={submit} aria-describedby={error ? "auth-error" : undefined}>
        <label>
          Email
          <input type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        {signup && (
          <label>
            Display name <span className="muted">(shown on leaderboards; optional)</span>
            <input type="text" autoComplete="nickname" maxLength={64} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
          </label>
        )}
        <label>
          Password
          <input type="password" autoComplete={signup ? "new-password" : "current-password"} required minLength={signup ? 8 : undefined}
            value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error != null && <ErrorBox id="auth-error" error={error} title={error instanceof ApiError && error.status === 401 ? "Wrong email or password" : undefined} />}
        <button className="primary" type="submit" disabled={busy}>{busy ? "Please wait…" : signup ? "Sign up" : "Sign in"}</button>
      </form>
      <p>
        {signup ? <>Already have an account? <Link to="/signin">Sign in</Link></> : <>New here? <Link to="/signup">Create an account</Link></>}
      </p>
    </main>
  );
}
