#!/usr/bin/env python3
"""POST-to-done latency of one solution against a running server, warm (the first run warms and is not counted).

usage: latency.py --server http://127.0.0.1:5917 --token TOKEN --kata deadlock-transfer --file solution.cs [--runs 5] [--mode submit]
"""
import argparse, json, statistics, time, urllib.request

def call(server, token, method, path, body=None):
    request = urllib.request.Request(server + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)

def grade_once(args, code):
    start = time.perf_counter()
    accepted = call(args.server, args.token, "POST", "/api/submissions", {"kata": args.kata, "code": code, "mode": args.mode})
    while True:
        submission = call(args.server, args.token, "GET", "/api/submissions/" + accepted["id"])
        if submission["status"] in ("done", "error"):
            return time.perf_counter() - start, submission
        time.sleep(0.05)

def main():
    parser = argparse.ArgumentParser()
    for name in ("server", "token", "kata", "file"): parser.add_argument("--" + name, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mode", default="submit")
    args = parser.parse_args()
    code = open(args.file, encoding="utf-8").read()
    grade_once(args, code)  # warm-up: compiler, the kata's reference build
    times = []
    for _ in range(args.runs):
        seconds, submission = grade_once(args, code)
        times.append(seconds)
        verdict = (submission.get("report") or {}).get("verdict", submission["status"])
        print(f"{seconds:6.2f} s  {verdict}")
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{args.kata} {args.file} mode={args.mode}: p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s over {len(times)} runs")

if __name__ == "__main__":
    main()
