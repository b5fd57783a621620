using KataServer.Common;

namespace KataServer.Scheduling.Runtime;

/// <summary>
/// Runs on the exploring thread while operations run on workers. A schedule that makes no progress (no
/// scheduling point, no completion) for the grace period is examined: a running operation blocked in a real
/// wait is interrupted and reported as uncontrolled (naming the API from the interrupted stack); one that burns
/// CPU is reported as a hang and abandoned. The exploring thread therefore always returns.
/// </summary>
internal static class Watchdog
{
    /// <param name="current">the schedule being run (changes along a session)</param>
    /// <param name="finished">set when there is nothing left to watch</param>
    /// <param name="abandon">called when the schedule will not unwind (stuck threads are left behind)</param>
    internal static void Watch(Func<ControlledRuntime?> current, ManualResetEventSlim finished, CancellationToken ct, TimeSpan grace, Action<ControlledRuntime>? abandon)
    {
        long lastProgress = -1;
        ControlledRuntime? lastRuntime = null;
        // Grace periods count only time the process could run (an overloaded machine is not a stuck schedule).
        var clock = new StarvationAwareClock();
        long lastChange = 0;
        long graceMs = Math.Max(1, (long)grace.TotalMilliseconds);
        int stage = 0;
        while (!finished.Wait(stage == 0 ? 100 : 50))
        {
            var rt = current();
            if (rt is null)
            {
                continue;
            }

            if (ct.IsCancellationRequested && !rt.IsCanceled)
            {
                rt.Cancel(null, null, null);
            }

            long now = (long)clock.Sample().TotalMilliseconds;
            long p = rt.Progress;
            if (p != lastProgress || rt != lastRuntime)
            {
                lastProgress = p;
                lastRuntime = rt;
                lastChange = now;
                stage = 0;
                continue;
            }

            if (now - lastChange < (stage == 0 ? graceMs : 1000))
            {
                continue;
            }

            lastChange = now;
            var op = rt.Running;
            var worker = op?.Worker;
            if (stage == 0)
            {
                stage = 1;
                if (op is not null && worker is not null && (worker.Thread.ThreadState & ThreadState.WaitSleepJoin) != 0)
                {
                    rt.RequestInterrupt(op);
                    worker.Retired = true;
                    worker.Thread.Interrupt();
                }
                else
                {
                    if (worker is not null)
                    {
                        worker.Retired = true;
                    }

                    rt.Cancel(Scheduling.BugKind.Hang, op?.LoopLine is > 0 and var line
                        ? $"{op.Name} looped at line {line} for {grace.TotalSeconds:0.#} s without ever finishing: an endless loop (nothing it reads there changes)."
                        : $"{op?.Name ?? "An operation"} ran for {grace.TotalSeconds:0.#} s without reaching a scheduling point: " +
                          "an endless loop over state the engine does not observe, or a call the engine does not control.", null);
                    rt.HangFoundByWatchdog = true;
                }
            }
            else if (stage == 1)
            {
                stage = 2;
                if (!rt.IsCanceled)
                {
                    rt.Cancel(Scheduling.BugKind.Uncontrolled, rt.UncontrolledMessageFor(op), null);
                }
            }
            else
            {
                // Operations that will not unwind (stuck outside our control) are abandoned.
                rt.RetireAllWorkers();
                abandon?.Invoke(rt);
                return;
            }
        }
    }
}
