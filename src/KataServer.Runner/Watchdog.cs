using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>Names what a stuck iteration is doing, from the states of its threads.</summary>
public static class Watchdog
{
    private const int Samples = 10;

    public static FindingData Diagnose(string test, Thread driver, TimeSpan waited, string submissionFileName)
    {
        var failures = RealThreadsDriver.Instance.CurrentFailures;
        if (failures.Any(f => f is not null))
        {
            // The other threads are stuck because this one failed (it will never release or signal).
            var cause = failures.FirstOrDefault(f => f is KataAssertionException) ?? failures.First(f => f is not null)!;
            return Findings.FromException(cause, test, submissionFileName);
        }

        var all = RealThreadsDriver.Instance.CurrentThreads;
        var workers = all.Where(t => t.IsAlive).ToList();
        var watched = workers.Count > 0 ? workers : [driver];

        // A thread seen running in any sample is busy (spinning or looping); one blocked in every sample is waiting.
        var busy = new HashSet<Thread>();
        for (var i = 0; i < Samples; i++)
        {
            foreach (var thread in watched.Where(t => t.IsAlive && !IsBlocked(t))) busy.Add(thread);
            Thread.Sleep(20);
        }

        var blocked = watched.Where(t => t.IsAlive && !busy.Contains(t)).ToList();
        var seconds = $"{waited.TotalSeconds:0.#} s";
        if (busy.Count > 0)
        {
            return Findings.Make(FindingKind.Timeout, test,
                $"did not finish within {seconds}: {Names(busy, all, driver)} kept running (an endless loop or a spin that never sees its condition change?)");
        }

        if (workers.Count > 0)
        {
            return Findings.Make(FindingKind.Deadlock, test,
                $"stuck for {seconds}: {Names(blocked, all, driver)} {(blocked.Count == 1 ? "is" : "are all")} blocked, waiting for something that never comes (a lock held by another thread, or a signal never sent)");
        }

        return Findings.Make(FindingKind.Hang, test,
            $"stuck for {seconds}: no thread is running, yet the test is still waiting (an await or wait that is never completed or signalled)");
    }

    private static bool IsBlocked(Thread thread)
    {
        try { return (thread.ThreadState & ThreadState.WaitSleepJoin) != 0; }
        catch (ThreadStateException) { return false; }
    }

    /// <summary>The test's threads are unnamed (so the code cannot tell stress from exploration): they are named by position here.</summary>
    private static string Names(IEnumerable<Thread> threads, IReadOnlyList<Thread> all, Thread driver)
    {
        string NameOf(Thread t) => t == driver ? "the test's main thread" : all.ToList().IndexOf(t) is >= 0 and var i ? $"thread {i + 1}" : $"thread #{t.ManagedThreadId}";
        var names = threads.Select(NameOf).Order().ToList();
        return names.Count == 1 ? names[0] : string.Join(", ", names[..^1]) + " and " + names[^1];
    }
}
