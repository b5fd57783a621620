#!/usr/bin/env python3
"""Posts N submissions at once from the corpus mix to a KataServer, waits for every verdict and reports.

Checks: every POST answered 202 (no 5xx, none refused), every submission ends `done` (none lost) with exactly one
stored result (one `done` event, graded once: GradingRuns = 1), read from the PostgreSQL database. Reports gradings per
minute per worker and p50/p95 from POST to stored verdict for failing and passing solutions.
Usually run by load-run.sh, which starts PostgreSQL, the web host and the workers.
"""
import argparse, concurrent.futures, json, pathlib, statistics, subprocess, sys, time, urllib.error, urllib.request

def post(server, token, kata, code):
    body = json.dumps({"kata": kata, "code": code, "mode": "submit"}).encode()
    request = urllib.request.Request(server + "/api/submissions", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.load(response)["id"]
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")[:300]

def sql(database, query):
    out = subprocess.run(["psql", database, "-At", "-F", "\t", "-c", query], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]

def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))] if values else float("nan")

def main():
    a = argparse.ArgumentParser()
    a.add_argument("--server", required=True)
    a.add_argument("--token", required=True)
    a.add_argument("--database", required=True, help="psql connection URI of the server's database")
    a.add_argument("--corpus", default=str(pathlib.Path(__file__).resolve().parents[3] / "tests" / "corpus"))
    a.add_argument("-n", type=int, default=120)
    a.add_argument("--workers", type=int, required=True, help="worker processes serving the server (for the per-worker rate)")
    a.add_argument("--timeout", type=float, default=3600)
    args = a.parse_args()

    # The corpus mix: every learner solution of every kata (not the hostile ones), round-robin up to N.
    files = sorted(p for p in pathlib.Path(args.corpus).glob("*/*.cs") if p.parent.name != "adversarial")
    if not files: sys.exit(f"no corpus files under {args.corpus}")
    mix = [(files[i % len(files)].parent.name, files[i % len(files)].read_text()) for i in range(args.n)]

    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(lambda m: post(args.server, args.token, *m), mix))
    refused = [(s, b) for s, b in answers if s != 202]
    ids = [b for s, b in answers if s == 202]
    print(f"posted {len(answers)} in {time.time() - started:.1f} s: {len(ids)} accepted, {len(refused)} refused "
          f"({sum(1 for s, _ in refused if s >= 500)} 5xx)")
    for s, b in refused[:5]: print(f"  {s}: {b}")

    id_list = ",".join(f"'{i}'" for i in ids)
    while True:
        open_count = int(sql(args.database, f"""SELECT COUNT(*) FROM "Submissions" WHERE "Id" IN ({id_list}) AND "Status" NOT IN ('done','error')""")[0][0])
        if open_count == 0: break
        if time.time() - started > args.timeout: sys.exit(f"{open_count} submissions still not finished after {args.timeout} s")
        time.sleep(2)

    rows = sql(args.database, f"""SELECT s."Status", COALESCE(s."Verdict", ''), s."GradingRuns",
        EXTRACT(EPOCH FROM s."FinishedAt" - s."CreatedAt"), EXTRACT(EPOCH FROM s."FinishedAt" - s."StartedAt"),
        EXTRACT(EPOCH FROM s."StartedAt"), EXTRACT(EPOCH FROM s."FinishedAt"),
        (SELECT COUNT(*) FROM "SubmissionEvents" e WHERE e."SubmissionId" = s."Id" AND e."Stage" = 'done')
        FROM "Submissions" s WHERE s."Id" IN ({id_list})""")
    lost = len(ids) - len(rows)
    not_done = [r for r in rows if r[0] != "done"]
    twice = [r for r in rows if int(r[2]) != 1 or int(r[7]) != 1]
    window = max(float(r[6]) for r in rows) - min(float(r[5]) for r in rows)
    print(f"finished: {len(rows)} ({len(not_done)} not done: {[r[0] for r in not_done][:5]}), lost {lost}, graded more than once or stored twice {len(twice)}")
    print(f"gradings: {len(rows)} in {window:.0f} s on {args.workers} workers = {len(rows) / (window / 60) / args.workers:.1f} per minute per worker")
    for verdict in ("failed", "passed"):
        total = [float(r[3]) for r in rows if r[1] == verdict]
        grade = [float(r[4]) for r in rows if r[1] == verdict]
        if total:
            print(f"{verdict:>6}: {len(total):4} submissions; POST to verdict p50 {percentile(total, 50):6.1f} s p95 {percentile(total, 95):6.1f} s;"
                  f" grading alone p50 {percentile(grade, 50):5.1f} s p95 {percentile(grade, 95):5.1f} s")
    others = sorted({r[1] for r in rows} - {"failed", "passed"})
    if others: print(f"other verdicts: {others}")
    sys.exit(1 if refused or lost or not_done or twice else 0)

if __name__ == "__main__":
    main()
