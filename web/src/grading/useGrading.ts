// Run / Submit / Replay: POST the submission, then follow it live over server-sent events
// (progress per stage, then the report). Falls back to polling if the stream breaks.
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { DoneEvent, GradeReport, ProgressEvent, SubmissionMode, SubmissionStatus } from "../api/types";
import { applyProgress, finishStages, initialStages, type StageMap } from "./stages";

export interface GradingState {
  id: string | null;
  mode: SubmissionMode | null;
  status: SubmissionStatus | "posting" | null;
  stages: StageMap;
  report: GradeReport | null;
  error: unknown;
  /** the code that was graded: the trace's lines point into it */
  code: string | null;
}

const idle = (): GradingState => ({ id: null, mode: null, status: null, stages: initialStages(), report: null, error: null, code: null });

export function useGrading(kata: string, onFinished: () => void) {
  const [state, setState] = useState<GradingState>(idle);
  const source = useRef<EventSource | null>(null);
  const poll = useRef<number | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  const stop = useCallback(() => {
    source.current?.close();
    source.current = null;
    if (poll.current !== null) window.clearTimeout(poll.current);
    poll.current = null;
  }, []);
  useEffect(() => stop, [stop]);
  useEffect(() => {
    stop();
    setState(idle());
  }, [kata, stop]);

  const finish = useCallback((done: DoneEvent) => {
    stop();
    setState((s) => ({
      ...s,
      status: done.status,
      report: done.report,
      stages: finishStages(s.stages),
      error: done.status === "error" ? new Error(done.error ?? done.message ?? "Grading failed on the server; try again.") : null,
    }));
    finished.current();
  }, [stop]);

  const pollUntilDone = useCallback((id: string) => {
    const tick = async () => {
      try {
        const s = await api.submission(id);
        if (s.status === "done" || s.status === "error") {
          finish({ id, status: s.status, report: s.report, error: s.error ?? s.message });
          return;
        }
        setState((st) => ({ ...st, status: s.status }));
      } catch (e) {
        setState((st) => ({ ...st, error: e }));
      }
      poll.current = window.setTimeout(tick, 1500);
    };
    poll.current = window.setTimeout(tick, 500);
  }, [finish]);

  const follow = useCallback((id: string) => {
    const es = new EventSource(api.eventsUrl(id));
    source.current = es;
    es.addEventListener("progress", (e) => {
      const data = JSON.parse((e as MessageEvent).data) as ProgressEvent;
      setState((s) => (s.id === id ? { ...s, status: "running", stages: applyProgress(s.stages, data) } : s));
    });
    es.addEventListener("done", (e) => finish(JSON.parse((e as MessageEvent).data) as DoneEvent));
    let failures = 0;
    es.onopen = () => {
      failures = 0;
    };
    es.onerror = () => {
      if (source.current !== es) return;
      // A dropped stream reconnects by itself and the server resumes after Last-Event-ID; when it was
      // refused, or keeps failing (a proxy, a restart), ask for the submission until it is done.
      if (es.readyState === EventSource.CONNECTING && ++failures < 3) return;
      es.close();
      source.current = null;
      pollUntilDone(id);
    };
  }, [finish, pollUntilDone]);

  const posting = useRef(false);
  const start = useCallback(async (code: string, mode: SubmissionMode, replay?: string) => {
    // Two triggers in one tick (the editor's shortcut and the page's) must not submit twice.
    if (posting.current) return;
    posting.current = true;
    stop();
    setState({ ...idle(), mode, status: "posting", code });
    try {
      const { id, status } = await api.submit(kata, code, mode, replay);
      setState((s) => ({ ...s, id, status: status as SubmissionStatus }));
      follow(id);
    } catch (e) {
      setState((s) => ({ ...s, status: null, error: e }));
    } finally {
      posting.current = false;
    }
  }, [kata, follow, stop]);

  /** Show a stored submission (from the history) as if it had just finished. */
  const show = useCallback((id: string, mode: SubmissionMode, report: GradeReport | null, code: string | null) => {
    stop();
    setState({ ...idle(), id, mode, status: "done", report, code, stages: finishStages(initialStages()) });
  }, [stop]);

  const busy = state.status === "posting" || state.status === "queued" || state.status === "running";
  return { state, start, show, busy };
}
