// What a trace says beyond its steps: which locks each thread holds, the deadlock cycle,
// the racing accesses. Pure data in, data out; the timeline layout and the SVG use it.
import type { TraceStep } from "../api/types";

export type Mark = "cycle" | "race" | "blocked";

export interface TraceAnalysis {
  /** Marks per trace index (index into the steps array, not the step number). */
  marks: Map<number, Set<Mark>>;
  /** The wait-for cycle in order, as thread ids; empty when there is none. */
  cycle: number[];
  /** One sentence per thread of the cycle: "thread 1 holds lock A, waits for lock B (held by thread 2)". */
  cycleText: string[];
  /** Locations two threads accessed, at least one writing, with nothing in the trace ordering them. */
  racyLocations: string[];
}

const CALL = /^([\w.`<>]+)\((.*)\)$/;
const ACQUIRE = /\.(Enter|EnterScope|TryEnter|ReliableEnter|EnterWriteLock|EnterReadLock|EnterUpgradeableReadLock)$/;
const RELEASE = /\.(Exit|ExitWriteLock|ExitReadLock|ExitUpgradeableReadLock|Dispose)$/;
const BLOCKED = "blocked: waits for ";
const RESUMES = "resumes: done waiting for ";
const ACCESS = /^(read|write) (.+)$/;
const DATA_RACE = /^data race: (.+) while (.+) is inside (.+)$/;

/** "Monitor.Enter(lock A)" -> { op: "Monitor.Enter", arg: "lock A" } */
export function parseCall(action: string): { op: string; arg: string } | null {
  const m = CALL.exec(action);
  return m ? { op: m[1], arg: m[2] } : null;
}

function mark(marks: Map<number, Set<Mark>>, index: number, what: Mark) {
  let set = marks.get(index);
  if (!set) marks.set(index, (set = new Set()));
  set.add(what);
}

export function analyzeTrace(steps: readonly TraceStep[], kind?: string): TraceAnalysis {
  const marks = new Map<number, Set<Mark>>();
  const names = new Map<number, string>();
  // held[thread] = resource -> { count, index of the step that took it }
  const held = new Map<number, Map<string, { count: number; index: number }>>();
  const pending = new Map<number, { resource: string; index: number }>(); // an Enter not yet known to succeed
  const waiting = new Map<number, { target: string; index: number }>();

  const heldBy = (thread: number) => {
    let h = held.get(thread);
    if (!h) held.set(thread, (h = new Map()));
    return h;
  };
  const take = (thread: number, resource: string, index: number) => {
    const h = heldBy(thread);
    const entry = h.get(resource);
    if (entry) entry.count++;
    else h.set(resource, { count: 1, index });
  };

  steps.forEach((s, index) => {
    names.set(s.thread, s.threadName);
    const action = s.action;
    const call = parseCall(action);
    // An Enter is taken unless the same thread's next step blocks on it.
    const p = pending.get(s.thread);
    if (p && !(action.startsWith(BLOCKED) && action.slice(BLOCKED.length) === p.resource)) take(s.thread, p.resource, p.index);
    pending.delete(s.thread);

    if (action.startsWith(BLOCKED)) {
      waiting.set(s.thread, { target: action.slice(BLOCKED.length), index });
      mark(marks, index, "blocked");
      if (p && action.slice(BLOCKED.length) === p.resource) pending.set(s.thread, { resource: p.resource, index: p.index });
    } else if (action.startsWith(RESUMES)) {
      waiting.delete(s.thread); // a lock it waited for was taken above, with the Enter's step
    } else if (call && ACQUIRE.test(call.op) && call.arg && s.result !== "false") { // a TryEnter that failed took nothing
      pending.set(s.thread, { resource: call.arg, index });
    } else if (call && RELEASE.test(call.op) && call.arg) {
      const h = heldBy(s.thread);
      const entry = h.get(call.arg);
      if (entry && --entry.count === 0) h.delete(call.arg);
    }
  });
  // A thread whose last step was an Enter holds it (nothing blocked it).
  for (const [thread, p] of pending) {
    if (!waiting.has(thread)) take(thread, p.resource, p.index);
  }

  // Wait-for graph at the end of the trace: a thread waits for the holder of a resource,
  // or for another thread ("thread 2 to finish").
  const threadByName = new Map<string, number>();
  for (const [id, name] of names) threadByName.set(name, id);
  const edges = new Map<number, { to: number; resource: string }>();
  for (const [thread, w] of waiting) {
    const joined = /^(.+) to finish$/.exec(w.target);
    if (joined && threadByName.has(joined[1])) {
      edges.set(thread, { to: threadByName.get(joined[1])!, resource: w.target });
      continue;
    }
    for (const [other, h] of held) {
      if (other !== thread && h.has(w.target)) edges.set(thread, { to: other, resource: w.target });
    }
  }
  const cycle = findCycle(edges);
  const cycleText: string[] = [];
  for (const thread of cycle) {
    const w = waiting.get(thread)!;
    const e = edges.get(thread)!;
    mark(marks, w.index, "cycle");
    const h = held.get(thread);
    const holds = h ? [...h.keys()] : [];
    // The steps where the locks others wait for were taken.
    for (const other of cycle) {
      const r = edges.get(other)?.resource;
      const taken = r ? h?.get(r) : undefined;
      if (taken) mark(marks, taken.index, "cycle");
    }
    const name = names.get(thread) ?? `thread ${thread}`;
    const holdText = holds.length ? `holds ${holds.join(", ")}, ` : "";
    const target = w.target.endsWith(" to finish") ? w.target : `${w.target} (held by ${names.get(e.to)})`;
    cycleText.push(`${name} ${holdText}waits for ${target}`);
  }

  // Racing accesses: two threads touch one location, at least one writes, and nothing in this run
  // orders them (no lock hand-over, start or join between them): vector clocks over the trace.
  const racy = new Set<string>();
  if (kind !== "deadlock" && kind !== "hang") {
    const conflicts = unorderedConflicts(steps);
    // The clearest picture of a lost update is the stale read-modify-write: show only those
    // steps when there is one, every unordered conflicting access otherwise.
    const lost = lostUpdates(steps, conflicts);
    for (const [a, b] of lost.length ? lost : conflicts) {
      mark(marks, a.index, "race");
      mark(marks, b.index, "race");
      racy.add(a.location);
    }
  }
  // The engine's own data-race step ("data race: List.Add while thread 1 is inside List.Add").
  steps.forEach((s, index) => {
    const m = DATA_RACE.exec(s.action);
    if (!m) return;
    mark(marks, index, "race");
    const other = threadByName.get(m[2]);
    for (let k = index - 1; k >= 0; k--) {
      if (steps[k].thread === other && steps[k].action.includes(m[3].split("(")[0])) {
        mark(marks, k, "race");
        break;
      }
    }
  });

  return { marks, cycle, cycleText, racyLocations: [...racy] };
}

type Clock = Map<number, number>;
interface Access { index: number; thread: number; write: boolean; location: string; clock: Clock }

const joinInto = (into: Clock, from: Clock | undefined) => {
  if (from) for (const [t, v] of from) into.set(t, Math.max(into.get(t) ?? 0, v));
};

/**
 * Pairs of conflicting accesses that nothing in the trace orders: vector clocks with
 * happens-before from starting a thread, joining a finished one, and every operation on one
 * synchronization object (a lock, a semaphore, an event...) ordered in the order it ran: an Exit
 * hands over to the next Enter, a Release to the next Wait. Treating every call on one object as
 * ordered can only hide a race, never invent one, so what is highlighted is a real race of this run.
 */
export function unorderedConflicts(steps: readonly TraceStep[]): [Access, Access][] {
  const clocks = new Map<number, Clock>();
  const forks = new Map<string, Clock>();  // thread name -> clock of whoever started it
  const finals = new Map<string, Clock>(); // thread name -> clock when it completed
  const objects = new Map<string, Clock>(); // "lock A" -> clock of the last operation on it
  const accesses: Access[] = [];
  const conflicts: [Access, Access][] = [];
  const clockOf = (s: TraceStep) => {
    let c = clocks.get(s.thread);
    if (!c) {
      clocks.set(s.thread, (c = new Map()));
      joinInto(c, forks.get(s.threadName));
    }
    return c;
  };
  const syncOn = (c: Clock, object: string) => {
    joinInto(c, objects.get(object));
    objects.set(object, new Map(c));
  };
  steps.forEach((s, index) => {
    const c = clockOf(s);
    c.set(s.thread, (c.get(s.thread) ?? 0) + 1);
    const action = s.action;
    const call = parseCall(action);
    const access = ACCESS.exec(action);
    if (access) {
      const a: Access = { index, thread: s.thread, write: access[1] === "write", location: access[2], clock: new Map(c) };
      for (const b of accesses) {
        if (b.location !== a.location || b.thread === a.thread || !(a.write || b.write)) continue;
        if ((b.clock.get(b.thread) ?? 0) <= (a.clock.get(b.thread) ?? 0)) continue; // b happened before a
        conflicts.push([b, a]);
      }
      accesses.push(a);
    } else if (action === "completed") {
      finals.set(s.threadName, new Map(c));
    } else if (action.startsWith(RESUMES)) {
      const target = action.slice(RESUMES.length);
      if (target.endsWith(" to finish")) joinInto(c, finals.get(target.slice(0, -" to finish".length)));
      else joinInto(c, objects.get(target)); // got the lock (or signal) it waited for
    } else if (call && call.arg) {
      if (/\.(Start|Run|StartNew|QueueUserWorkItem)$/.test(call.op)) forks.set(call.arg, new Map(c));
      if (/\.(Join|Wait)$/.test(call.op)) joinInto(c, finals.get(call.arg)); // a thread that had already finished
      syncOn(c, call.arg);
    }
  });
  return conflicts;
}

/**
 * A thread reads a location, another thread writes it, then the first writes it back from its
 * stale read: the other write is lost. Only pairs the clocks leave unordered count.
 */
export function lostUpdates(steps: readonly TraceStep[], conflicts: [Access, Access][]): [Access, Access][] {
  const unordered = new Set(conflicts.map(([a, b]) => `${a.index}:${b.index}`));
  const accesses = new Map<number, Access>();
  for (const [a, b] of conflicts) {
    accesses.set(a.index, a);
    accesses.set(b.index, b);
  }
  const result: [Access, Access][] = [];
  for (const read of accesses.values()) {
    if (read.write) continue;
    // The same thread's next access to that location.
    let next: number | null = null;
    for (let k = read.index + 1; k < steps.length; k++) {
      const m = steps[k].thread === read.thread ? ACCESS.exec(steps[k].action) : null;
      if (m && m[2] === read.location) {
        next = m[1] === "write" ? k : null;
        break;
      }
    }
    const write = next === null ? undefined : accesses.get(next);
    if (!write) continue;
    for (const other of accesses.values()) {
      if (other.thread === read.thread || !other.write || other.location !== read.location) continue;
      if (other.index > read.index && other.index < write.index && unordered.has(`${read.index}:${other.index}`)) {
        result.push([read, other], [other, write]);
      }
    }
  }
  return result;
}

function findCycle(edges: Map<number, { to: number }>): number[] {
  for (const start of edges.keys()) {
    const seen: number[] = [];
    let current: number | undefined = start;
    while (current !== undefined && !seen.includes(current)) {
      seen.push(current);
      current = edges.get(current)?.to;
    }
    if (current !== undefined) return seen.slice(seen.indexOf(current));
  }
  return [];
}
