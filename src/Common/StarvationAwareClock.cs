using System.Diagnostics;

namespace KataServer.Common;

/// <summary>
/// A clock that stops while the process waits for a CPU. A watchdog that counts wall time flags correct code
/// on an overloaded machine: its threads sit in the run queue, not in a bug. Linux reports per thread how long
/// it ran and how long it was runnable but not running (<c>/proc/self/task/*/schedstat</c>, first and second
/// fields, in ns). Between two samples this clock advances by the time the process surely was not starved:
/// the wall time minus the longest wait of any thread, or, when more, the time it surely ran (the longest run
/// of one thread, or all threads' runs spread over every core). The second part matters when the process
/// crowds itself: a thread that spins with <c>Thread.Yield</c> beside a busy one waits almost all the time,
/// yet the process is running.
/// A deadlocked thread does not wait for a CPU, so a real deadlock is still timed out on time, and an endless
/// loop at least as fast as it gets a CPU: it is timed out later on a busy machine, never not at all.
/// Where no such file can be read the clock is the wall clock. <see cref="Sample"/> reads every thread's file once;
/// call it a few times a second from the watching thread.
/// Shared as source (internal in each project that links it), so that the compiler, the engine and the runner
/// judge their time limits alike without depending on one another.
/// </summary>
internal sealed class StarvationAwareClock
{
    private readonly Func<IReadOnlyDictionary<int, ThreadTimes>?> readThreadTimes;
    private readonly Func<long> wallNanoseconds;
    private readonly int cores;
    private IReadOnlyDictionary<int, ThreadTimes> last;
    private long lastWall;
    private long elapsed;

    /// <summary>A clock for this process's threads.</summary>
    internal StarvationAwareClock() : this(() => ReadThreadTimes(["self"]), WallNanoseconds, Environment.ProcessorCount)
    {
    }

    /// <summary>A clock for the threads of other processes (say, every process of a sandbox's control group).</summary>
    internal static StarvationAwareClock ForProcesses(Func<IEnumerable<int>> processes) =>
        new(() => ReadThreadTimes(processes().Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture))), WallNanoseconds, Environment.ProcessorCount);

    /// <param name="readThreadTimes">times so far per thread id, or null when unknown</param>
    /// <param name="wallNanoseconds">a monotonic wall clock in ns</param>
    /// <param name="cores">CPUs the threads can run on</param>
    internal StarvationAwareClock(Func<IReadOnlyDictionary<int, ThreadTimes>?> readThreadTimes, Func<long> wallNanoseconds, int cores)
    {
        this.readThreadTimes = readThreadTimes;
        this.wallNanoseconds = wallNanoseconds;
        this.cores = Math.Max(1, cores);
        lastWall = wallNanoseconds();
        last = readThreadTimes() ?? new Dictionary<int, ThreadTimes>();
    }

    /// <summary>A thread's time on a CPU and time waiting for one, in ns since it started.</summary>
    internal readonly record struct ThreadTimes(long Running, long Waiting);

    /// <summary>Time counted so far, as of the last <see cref="Sample"/>.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(elapsed / 100);

    /// <summary>Advances the clock to now and returns <see cref="Elapsed"/>.</summary>
    public TimeSpan Sample()
    {
        var (wall, times) = ReadTogether();
        var wallDelta = Math.Max(0, wall - lastWall);
        long counted = wallDelta;
        if (times is not null)
        {
            long longestWait = 0, longestRun = 0, totalRun = 0;
            foreach (var (thread, now) in times)
            {
                // A thread born since the last sample ran and waited (if at all) since then.
                var before = last.GetValueOrDefault(thread);
                longestWait = Math.Max(longestWait, now.Waiting - before.Waiting);
                longestRun = Math.Max(longestRun, now.Running - before.Running);
                totalRun += Math.Max(0, now.Running - before.Running);
            }

            last = times;
            var surelyRan = Math.Min(wallDelta, Math.Max(longestRun, totalRun / cores));
            counted = Math.Max(wallDelta - Math.Min(longestWait, wallDelta), surelyRan);
        }

        elapsed += counted;
        lastWall = wall;
        return Elapsed;
    }

    /// <summary>
    /// The wall clock and the threads' times as of one moment. A reader that waits for a CPU between the two reads
    /// sees threads that waited longer than the wall time says (and less in the next interval, where the excess is
    /// lost to the cap at the interval's length: a starved process would count as running), so a read that took
    /// long is done again.
    /// </summary>
    private (long Wall, IReadOnlyDictionary<int, ThreadTimes>? Times) ReadTogether()
    {
        (long Wall, IReadOnlyDictionary<int, ThreadTimes>? Times, long Took) best = default;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var before = wallNanoseconds();
            var times = readThreadTimes();
            var after = wallNanoseconds();
            if (attempt == 0 || after - before < best.Took)
            {
                best = (after, times, after - before);
            }

            if (best.Took <= MaxReadNanoseconds)
            {
                break;
            }
        }

        return (best.Wall, best.Times);
    }

    private const long MaxReadNanoseconds = 2_000_000;

    private static long WallNanoseconds() => (long)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));

    /// <param name="processes">entries of /proc: "self" or process ids</param>
    private static Dictionary<int, ThreadTimes>? ReadThreadTimes(IEnumerable<string> processes)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var times = new Dictionary<int, ThreadTimes>();
        foreach (var process in processes)
        {
            ReadThreadTimes(process, times);
        }

        return times.Count > 0 ? times : null;
    }

    private static void ReadThreadTimes(string process, Dictionary<int, ThreadTimes> times)
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{process}/task"))
            {
                if (!int.TryParse(Path.GetFileName(task), out var thread))
                {
                    continue;
                }

                try
                {
                    var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                    if (fields.Length >= 2 && long.TryParse(fields[0], out var running) && long.TryParse(fields[1], out var waiting))
                    {
                        times[thread] = new ThreadTimes(running, waiting);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process ended, or /proc is not there.
        }
    }
}
