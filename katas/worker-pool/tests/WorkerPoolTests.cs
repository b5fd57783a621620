using System.Threading;
using KataServer.Testing;

namespace KataTests;

public static class WorkerPoolTests
{
    // Real threads need many jobs per iteration for a race to show; the schedule explorer
    // needs few, because it tries the interleavings one by one.
    private static bool OnRealThreads => Concurrent.Driver is RealThreadsDriver;

    private static int Scale(int onRealThreads, int explored) => OnRealThreads ? onRealThreads : explored;

    /// <summary>Counts runs per job, and how many jobs run at once.</summary>
    private sealed class Jobs
    {
        private readonly int[] _runs;
        private int _running;
        private int _maxRunning;

        public Jobs(int count) { _runs = new int[count]; }

        public int Count => _runs.Length;
        public int Runs(int job) => Volatile.Read(ref _runs[job]);
        public int MaxRunning => Volatile.Read(ref _maxRunning);

        public int TotalRuns()
        {
            int total = 0;
            for (int i = 0; i < _runs.Length; i++) total += Volatile.Read(ref _runs[i]);
            return total;
        }

        public System.Action Job(int job) => () =>
        {
            int now = Interlocked.Increment(ref _running);
            int max;
            while (now > (max = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, max) != max) { }
            Interlocked.Increment(ref _runs[job]);
            Interlocked.Decrement(ref _running);
        };
    }

    [KataTest(Description = "On one thread: accepted jobs all run by the time Shutdown returns; after Shutdown, TryEnqueue returns false and the job never runs.")]
    public static void ShutdownRunsEverythingAccepted()
    {
        // The pool's size and the number of jobs change from grade to grade: the code cannot recognise the test by them.
        int workers = TestData.Int(1, 3);
        int accepted = TestData.Int(3, 7);
        var jobs = new Jobs(accepted + 1);
        var pool = new WorkerPool(workers);
        for (int i = 0; i < accepted; i++)
            Check.That(pool.TryEnqueue(jobs.Job(i)), FindingKind.Assertion, "TryEnqueue on an open pool must return true");
        pool.Shutdown();
        for (int i = 0; i < accepted; i++)
            Check.Equal(1, jobs.Runs(i), FindingKind.Invariant, $"Job {i} was accepted before Shutdown (a pool of {workers}); by the time Shutdown returned it must have run exactly once");
        Check.That(!pool.TryEnqueue(jobs.Job(accepted)), FindingKind.Assertion, "TryEnqueue after Shutdown must return false");
        pool.Shutdown();
        pool.Dispose();
        Check.Equal(0, jobs.Runs(accepted), FindingKind.Invariant, "A job refused by TryEnqueue must never run");
    }

    [KataTest(Description = "A pool with nothing to do shuts down: Shutdown wakes every sleeping worker and returns; Dispose afterwards is harmless.")]
    public static void IdlePoolShutsDown()
    {
        var pool = new WorkerPool(TestData.Int(2, 4));
        Concurrent.Run(() => pool.Shutdown());
        pool.Dispose();
        Check.That(!pool.TryEnqueue(() => { }), FindingKind.Assertion, "TryEnqueue after Shutdown must return false");
    }

    [KataTest(Description = "Two threads enqueue jobs at the same time, then the pool shuts down: every accepted job ran exactly once before Shutdown returned.")]
    public static void ConcurrentProducers()
    {
        // Explored with a pool of 2 (every interleaving of a small case); on real threads the pool's size changes from
        // grade to grade.
        int perProducer = Scale(TestData.Int(300, 700), 2);
        var jobs = new Jobs(2 * perProducer);
        var pool = new WorkerPool(Scale(TestData.Int(1, 5), 2));
        var accepted = new bool[jobs.Count];
        Concurrent.Run(2, p =>
        {
            for (int i = 0; i < perProducer; i++)
            {
                int job = p * perProducer + i;
                accepted[job] = pool.TryEnqueue(jobs.Job(job));
                Concurrent.OperationDone(); // lets the runner see whether the producers really overlapped
            }
        });
        pool.Shutdown();
        for (int job = 0; job < jobs.Count; job++)
        {
            Check.That(accepted[job], FindingKind.Assertion, "TryEnqueue on an open pool must return true");
            Check.Equal(1, jobs.Runs(job), FindingKind.Invariant,
                $"Job {job} was accepted; by the time Shutdown returned it must have run exactly once, but it ran {jobs.Runs(job)} times");
        }
    }

    [KataTest(Description = "One thread enqueues while another shuts the pool down: an accepted job runs before Shutdown returns, a refused one never runs.")]
    public static void EnqueueRacingShutdown()
    {
        // Only the producer makes many calls; Shutdown is one call, so overlap cannot be told here and nothing is marked.
        int count = Scale(TestData.Int(200, 400), 2);
        var jobs = new Jobs(count);
        var pool = new WorkerPool(Scale(TestData.Int(1, 3), 1));
        var accepted = new bool[count];
        int ranWhenShutdownReturned = -1;
        Concurrent.Run(
            () =>
            {
                for (int i = 0; i < count; i++) accepted[i] = pool.TryEnqueue(jobs.Job(i));
            },
            () =>
            {
                pool.Shutdown();
                ranWhenShutdownReturned = jobs.TotalRuns();
            });
        int acceptedCount = 0;
        bool refusedOnce = false;
        for (int i = 0; i < count; i++)
        {
            if (accepted[i])
            {
                acceptedCount++;
                Check.That(!refusedOnce, FindingKind.Invariant,
                    $"TryEnqueue refused a job, then accepted job {i}: once Shutdown has begun, TryEnqueue must keep returning false");
                Check.Equal(1, jobs.Runs(i), FindingKind.Invariant,
                    $"TryEnqueue accepted job {i} (returned true) while Shutdown was running, but the job ran {jobs.Runs(i)} times: an accepted job must run exactly once");
            }
            else
            {
                refusedOnce = true;
                Check.Equal(0, jobs.Runs(i), FindingKind.Invariant, $"TryEnqueue refused job {i} (returned false), yet it ran");
            }
        }
        Check.Equal(acceptedCount, ranWhenShutdownReturned, FindingKind.Invariant,
            $"{acceptedCount} jobs were accepted, but only {ranWhenShutdownReturned} had run when Shutdown returned: Shutdown must return only once every accepted job has run");
    }

    [KataTest(Description = "Two threads shut the pool down at the same time (Shutdown and Dispose): neither returns before every accepted job has run.")]
    public static void ConcurrentShutdownsBothWait()
    {
        int count = Scale(TestData.Int(150, 250), 2);
        var jobs = new Jobs(count);
        var pool = new WorkerPool(Scale(TestData.Int(1, 3), 1));
        for (int i = 0; i < count; i++)
            Check.That(pool.TryEnqueue(jobs.Job(i)), FindingKind.Assertion, "TryEnqueue on an open pool must return true");
        int ranWhenShutdownReturned = -1, ranWhenDisposeReturned = -1;
        Concurrent.Run(
            () => { pool.Shutdown(); ranWhenShutdownReturned = jobs.TotalRuns(); },
            () => { pool.Dispose(); ranWhenDisposeReturned = jobs.TotalRuns(); });
        Check.Equal(count, ranWhenShutdownReturned, FindingKind.Invariant,
            $"{count} jobs were accepted, but only {ranWhenShutdownReturned} had run when Shutdown returned (Dispose was shutting the pool down at the same time): every Shutdown returns only once every accepted job has run");
        Check.Equal(count, ranWhenDisposeReturned, FindingKind.Invariant,
            $"{count} jobs were accepted, but only {ranWhenDisposeReturned} had run when Dispose returned (Shutdown was shutting the pool down at the same time): a second Shutdown or Dispose that finds the pool already closing must still wait until every accepted job has run");
        for (int i = 0; i < count; i++)
            Check.Equal(1, jobs.Runs(i), FindingKind.Invariant, $"Job {i} was accepted; it must run exactly once, but it ran {jobs.Runs(i)} times");
    }

    [KataTest(Description = "Two workers, two jobs that each wait until the other is running: a pool of two must run two jobs at the same time.")]
    public static void WorkersRunSideBySide()
    {
        int rounds = Scale(20, 1);
        var pool = new WorkerPool(2);
        var started = new ManualResetEventSlim[rounds, 2];
        int done = 0;
        for (int r = 0; r < rounds; r++)
        {
            started[r, 0] = new ManualResetEventSlim(false);
            started[r, 1] = new ManualResetEventSlim(false);
        }
        Concurrent.Run(() =>
        {
            for (int r = 0; r < rounds; r++)
            {
                int round = r;
                pool.TryEnqueue(() => { started[round, 0].Set(); started[round, 1].Wait(); Interlocked.Increment(ref done); });
                pool.TryEnqueue(() => { started[round, 1].Set(); started[round, 0].Wait(); Interlocked.Increment(ref done); });
                started[round, 0].Wait();
                started[round, 1].Wait();
            }
        });
        pool.Shutdown();
        Check.Equal(2 * rounds, Volatile.Read(ref done), FindingKind.Invariant, "Every accepted job must have run by the time Shutdown returned");
    }

    [KataTest(Description = "A pool of two to four workers gets many jobs at once: never more run at the same time than the pool has workers.")]
    public static void NeverMoreThanWorkersAtOnce()
    {
        int count = Scale(TestData.Int(1_500, 2_500), 3);
        int workers = Scale(TestData.Int(2, 4), 2);
        var jobs = new Jobs(count);
        var pool = new WorkerPool(workers);
        Concurrent.Run(2, p =>
        {
            for (int i = p; i < count; i += 2)
            {
                pool.TryEnqueue(jobs.Job(i));
                Concurrent.OperationDone();
            }
        });
        pool.Shutdown();
        Check.That(jobs.MaxRunning <= workers, FindingKind.Invariant,
            $"{jobs.MaxRunning} jobs ran at the same time in a pool of {workers} workers: jobs run only on the pool's workers, one job per worker at a time");
        Check.Equal(count, jobs.TotalRuns(), FindingKind.Invariant, "Every accepted job must have run exactly once by the time Shutdown returned");
    }
}
