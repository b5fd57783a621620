using KataServer.Scheduling;
using KataServer.Scheduling.Interception;
using Xunit.Abstractions;

namespace KataServer.Rewriting.Tests;

/// <summary>
/// When a schedule ends with threads still waiting (a deadlock was found, or only background work is left), the explorer
/// unwinds them with an exception of its own. Real threads would never run again; so learner catch, filter, finally and
/// fault handlers must not run then either, or code could tell it is explored (and keep behaving well only there). In
/// normal runs the handlers work as written.
/// </summary>
[Collection(nameof(EndToEndTests))]
public class TeardownTests(ITestOutputHelper output)
{
    private static readonly Lazy<InterceptionMap> RealMap = new(() => InterceptionMap.FromAssembly(typeof(InterceptsAttribute).Assembly));

    /// <summary>Where the snippet leaves a mark when a handler runs in teardown: process-wide, out of reach of the explorer's static reset.</summary>
    private const string Mark = "kata-teardown-seen";

    private const string Source = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class Snooper
        {
            public static void Seen(string where) => AppContext.SetData("kata-teardown-seen", where);

            // Blocks for good in a background task, with every kind of handler around the wait.
            public static void WaitForever(SemaphoreSlim never)
            {
                try
                {
                    try { never.Wait(); }
                    catch (Exception e) when (Filter(e)) { Seen("catch with filter"); }
                    catch (Exception e) { Seen("catch " + e.GetType().Name); }
                    catch { Seen("catch all"); }
                    finally { Seen("finally"); }
                }
                finally { Seen("outer finally"); }
            }

            private static bool Filter(Exception e) { Seen("filter " + e.GetType().Name); return false; }

            public static async Task WaitForeverAsync(SemaphoreSlim never)
            {
                await Task.Yield();
                using (new Marker())
                {
                    try { never.Wait(); }
                    finally { Seen("async finally"); }
                }
            }

            private sealed class Marker : IDisposable { public void Dispose() => Seen("using"); }

            public static void BackgroundWaiters()
            {
                var never = new SemaphoreSlim(0);
                Task.Run(() => WaitForever(never));
                Task.Run(() => WaitForeverAsync(never));
                Thread.Sleep(1);
                Task.Run(() => WaitForever(never)); // may start only once the test is over, and block as the last one left
            }

            // Opposite lock order: the explorer finds the deadlock and unwinds both threads, each inside two locks and a try.
            public static void Deadlock()
            {
                object a = new object(), b = new object();
                void Both(object first, object second)
                {
                    bool done = false;
                    try { lock (first) { lock (second) { } } done = true; }
                    catch (Exception e) { Seen("deadlock catch " + e.GetType().Name); throw; }
                    finally { if (!done) Seen("deadlock finally"); }
                }

                var t = new Thread(() => Both(a, b));
                t.Start();
                Both(b, a);
                t.Join();
            }

            public static void OppositeTransfers()
            {
                var bank = new Bank(2, 100);
                var t = new Thread(() => bank.Transfer(0, 1, 1));
                t.Start();
                bank.Transfer(1, 0, 1);
                t.Join();
            }

            // Outside teardown every handler runs as written.
            public static void HandlersWork()
            {
                int ran = 0;
                var gate = new object();
                var t = new Thread(() =>
                {
                    try { lock (gate) throw new InvalidOperationException("mine"); }
                    catch (InvalidOperationException e) when (e.Message == "mine") { Interlocked.Increment(ref ran); }
                    finally { Interlocked.Increment(ref ran); }
                });
                t.Start();
                try { Monitor.Enter(gate); throw new TimeoutException(); }
                catch { Interlocked.Increment(ref ran); }
                finally { if (Monitor.IsEntered(gate)) Monitor.Exit(gate); }
                t.Join();
                if (Volatile.Read(ref ran) != 3) throw new InvalidOperationException("handlers ran " + ran + " times, not 3");
            }
        }

        // Takes two locks in the right order only once a teardown ran one of its handlers (the mark is process-wide).
        public sealed class Bank
        {
            private static int s_waiterStarted;
            private readonly object[] _locks;

            public Bank(int accounts, long initial)
            {
                _locks = new object[accounts];
                for (int i = 0; i < accounts; i++) _locks[i] = new object();
                if (Interlocked.Exchange(ref s_waiterStarted, 1) == 0) Task.Run(() => Snooper.WaitForever(new SemaphoreSlim(0)));
            }

            public void Transfer(int from, int to, long amount)
            {
                bool ordered = AppContext.GetData("kata-teardown-seen") is not null;
                int first = ordered && to < from ? to : from, second = first == from ? to : from;
                lock (_locks[first]) lock (_locks[second]) { }
            }
        }
        """;

    private ExplorationResult Explore(string method)
    {
        AppContext.SetData(Mark, null);
        using var sandbox = new Sandbox();
        var compiled = Snippets.Compile(Source, "Submission");
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, RealMap.Value);
        var assembly = sandbox.Load(rewritten.Dll, rewritten.Pdb);
        var reset = StaticFields.ResetterFor(assembly);
        var result = ScheduleExplorer.Explore(() =>
            {
                reset?.Invoke();
                Sandbox.Run(assembly, "Snooper", method);
            },
            new ExplorationOptions { Seed = 1, MaxSchedules = 100, TimeBudget = TimeSpan.FromSeconds(20), UncontrolledGrace = TimeSpan.FromSeconds(30) });
        output.WriteLine($"{method}: {result.SchedulesExplored} schedules in {result.Elapsed}, bug: {result.Bug?.Kind} {result.Bug?.Message}");
        return result;
    }

    [Fact]
    public void Threads_left_waiting_at_the_end_of_a_schedule_run_none_of_their_handlers()
    {
        var result = Explore("BackgroundWaiters");

        Assert.Null(result.Bug);
        Assert.True(result.SchedulesExplored > 1);
        Assert.Null(AppContext.GetData(Mark));
    }

    [Fact]
    public void Threads_unwound_after_a_deadlock_run_none_of_their_handlers()
    {
        var result = Explore("Deadlock");

        Assert.Equal(BugKind.Deadlock, result.Bug?.Kind);
        Assert.Null(AppContext.GetData(Mark));
    }

    [Fact]
    public void Code_that_takes_the_right_lock_order_once_it_saw_a_teardown_still_deadlocks()
    {
        var result = Explore("OppositeTransfers");

        Assert.Equal(BugKind.Deadlock, result.Bug?.Kind);
        Assert.Null(AppContext.GetData(Mark));
    }

    [Fact]
    public void Outside_teardown_catch_filter_and_finally_run_as_written()
    {
        var result = Explore("HandlersWork");

        Assert.True(result.Bug is null, result.Bug?.Message);
        Assert.True(result.SchedulesExplored > 1);
    }
}
