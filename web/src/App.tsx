import { lazy, Suspense } from "react";
import { AuthProvider, useAuth } from "./auth/AuthContext";
import { AuthPage } from "./auth/AuthPage";
import { CataloguePage } from "./catalogue/CataloguePage";
import { ProgressPage } from "./catalogue/ProgressPage";
import { KataPage } from "./kata/KataPage";
import { TokensPage } from "./account/TokensPage";
import { SubmissionPage } from "./submission/SubmissionPage";
import { Link, navigate, usePath } from "./app/router";
import { useTheme } from "./app/theme";
import { CandidatePage } from "./screening/CandidatePage";
import { CandidateReportPage } from "./screening/CandidateReportPage";
import { ScreeningPage, ScreeningsPage } from "./screening/ScreeningsPage";
import { AuthoringListPage } from "./teaching/AuthoringListPage";
import { CohortsPage } from "./teaching/CohortsPage";
import { CohortPage } from "./teaching/CohortPage";
import { JoinPage } from "./teaching/JoinPage";

// Monaco comes with the authoring page only, as with the kata page.
const AuthoringPage = lazy(() => import("./teaching/AuthoringPage").then((m) => ({ default: m.AuthoringPage })));

export function App() {
  return (
    <AuthProvider>
      <Shell />
    </AuthProvider>
  );
}

function Shell() {
  const path = usePath();
  const [theme, setTheme] = useTheme();
  const { user, loading, signOut } = useAuth();
  const kata = /^\/katas\/([^/]+)\/?$/.exec(path);
  const screening = /^\/screenings\/([^/]+)\/?$/.exec(path);
  const candidateReport = /^\/screenings\/([^/]+)\/candidates\/([^/]+)\/?$/.exec(path);
  // Instructors teach (authoring, cohorts) and interview (screenings); admins may do both.
  const teacher = user?.roles.some((r) => r === "instructor" || r === "admin") ?? false;
  const authored = /^\/teach\/katas\/([^/]+)\/?$/.exec(path);
  const cohort = /^\/teach\/cohorts\/([^/]+)\/?$/.exec(path);
  const join = /^\/join\/([^/]+)\/?$/.exec(path);
  const submission = /^\/submissions\/([^/]+)\/?$/.exec(path);

  let page;
  if (path.startsWith("/teach") && !teacher) page = loading ? null : user ? <main className="page"><h1>Instructors only</h1><p>These pages are for instructors.</p></main> : <AuthPage mode="signin" />;
  else if (path === "/teach" || path === "/teach/katas") page = <AuthoringListPage />;
  else if (authored) page = <Suspense fallback={<main className="page"><p>Loading the editor…</p></main>}><AuthoringPage id={decodeURIComponent(authored[1])} dark={theme === "dark"} /></Suspense>;
  else if (path === "/teach/cohorts") page = <CohortsPage />;
  else if (cohort) page = <CohortPage id={decodeURIComponent(cohort[1])} />;
  else if (join) page = user ? <JoinPage token={decodeURIComponent(join[1])} /> : loading ? null : <AuthPage mode="signin" />;
  else if (submission) page = user ? <SubmissionPage id={decodeURIComponent(submission[1])} /> : loading ? null : <AuthPage mode="signin" />;
  else if (path === "/signin") page = <AuthPage mode="signin" />;
  else if (path === "/signup") page = <AuthPage mode="signup" />;
  else if (kata) page = <KataPage id={decodeURIComponent(kata[1])} dark={theme === "dark"} />;
  else if (path === "/progress") page = user ? <ProgressPage /> : loading ? null : <AuthPage mode="signin" />;
  else if (path === "/tokens") page = user ? <TokensPage /> : loading ? null : <AuthPage mode="signin" />;
  else if (path === "/screening/join") page = <CandidatePage dark={theme === "dark"} />;
  else if (path === "/screenings") page = user ? <ScreeningsPage /> : loading ? null : <AuthPage mode="signin" />;
  else if (screening) page = user ? <ScreeningPage id={decodeURIComponent(screening[1])} /> : loading ? null : <AuthPage mode="signin" />;
  else if (candidateReport) page = user ? <CandidateReportPage screening={decodeURIComponent(candidateReport[1])} candidate={decodeURIComponent(candidateReport[2])} /> : loading ? null : <AuthPage mode="signin" />;
  else if (path === "/" || path === "/katas") page = <CataloguePage />;
  else page = <main className="page"><h1>Not found</h1><p>There is no page at this address. <Link to="/">See the katas</Link>.</p></main>;

  return (
    <>
      <a className="skip" href="#content">Skip to content</a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="KataServer, all katas">
          <img src="/favicon.svg" alt="" width="24" height="24" /> KataServer
        </Link>
        <nav aria-label="Main">
          <Link to="/" aria-current={path === "/" ? "page" : undefined}>Katas</Link>
          {user && <Link to="/progress" aria-current={path === "/progress" ? "page" : undefined}>Progress</Link>}
          {teacher && <Link to="/screenings" aria-current={path.startsWith("/screenings") ? "page" : undefined}>Screenings</Link>}
          {teacher && <Link to="/teach" aria-current={path.startsWith("/teach") ? "page" : undefined}>Teach</Link>}
          {user && <Link to="/tokens" aria-current={path === "/tokens" ? "page" : undefined}>API tokens</Link>}
        </nav>
        <div className="topbar-right">
          <button type="button" className="icon" onClick={() => setTheme(theme === "dark" ? "light" : "dark")}
            aria-label={theme === "dark" ? "Switch to the light theme" : "Switch to the dark theme"} title="Theme">
            {theme === "dark" ? "☀" : "☾"}
          </button>
          {!loading && (user ? (
            <>
              <span className="who" title={user.email}>{user.displayName || user.email}</span>
              <button type="button" onClick={async () => {
                await signOut();
                navigate("/");
              }}>Sign out</button>
            </>
          ) : (
            <>
              <Link to="/signin">Sign in</Link>
              <Link to="/signup" className="button primary">Sign up</Link>
            </>
          ))}
        </div>
      </header>
      <div id="content">{page}</div>
    </>
  );
}
