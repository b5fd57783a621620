using KataServer.Scheduling;
using KataServer.Scheduling.Interception;
using Xunit.Abstractions;

namespace KataServer.Rewriting.Tests;

/// <summary>
/// Constructs the runtime would otherwise handle out of the engine's sight, rewritten into controlled code and explored by
/// the real engine: [MethodImpl(Synchronized)] methods, delegates bound to framework instance methods, and static state
/// that would leak from one schedule into the next.
/// </summary>
[Collection(nameof(EndToEndTests))]
public class LoweringTests(ITestOutputHelper output)
{
    private static readonly Lazy<InterceptionMap> RealMap = new(() => InterceptionMap.FromAssembly(typeof(InterceptsAttribute).Assembly));

    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Runtime.CompilerServices;
        using System.Threading;

        public sealed class Slot
        {
            private int _value;
            private bool _full;

            [MethodImpl(MethodImplOptions.Synchronized)]
            public void Put(int value)
            {
                while (_full) Monitor.Wait(this);
                _value = value;
                _full = true;
                Monitor.PulseAll(this);
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public int Take()
            {
                while (!_full) Monitor.Wait(this);
                _full = false;
                Monitor.PulseAll(this);
                return _value;
            }

            [MethodImpl(MethodImplOptions.Synchronized)]
            public int TakeWithIf()
            {
                if (!_full) Monitor.Wait(this);
                if (!_full) throw new InvalidOperationException("woke up with nothing to take");
                _full = false;
                Monitor.PulseAll(this);
                return _value;
            }
        }

        public static class Registry
        {
            private static int s_counted;

            [MethodImpl(MethodImplOptions.Synchronized)]
            public static void Count() { int seen = s_counted; Thread.Yield(); s_counted = seen + 1; }

            public static int Counted => s_counted;
        }

        public static class Leaky
        {
            private static int s_runs;
            private static readonly List<int> s_log = new List<int>();
            private static readonly object s_gate = new object();
            public static readonly object Gate = s_gate;
            public static int Initializations;
            static Leaky() { Initializations++; }

            public static void Test()
            {
                if (++s_runs != 1) throw new InvalidOperationException("started from an earlier schedule's state: run " + s_runs);
                var t = new Thread(() => { lock (s_gate) s_log.Add(1); });
                t.Start();
                lock (s_gate) s_log.Add(2);
                t.Join();
                if (s_log.Count != 2) throw new InvalidOperationException("log has " + s_log.Count);
            }

            public static int Runs => s_runs;
        }

        // Generic types have one set of statics per instantiation: a node pool kept per thread, a counter, a cached default.
        public sealed class Pool<T>
        {
            public sealed class Node { public T? Value; public Node? Next; }

            [ThreadStatic] private static Node? t_free;
            private static int s_created;
            private static readonly string s_name = typeof(T).Name;

            public static Node Rent()
            {
                var node = t_free;
                if (node is not null) { t_free = node.Next; return node; }
                if (++s_created > 2) throw new InvalidOperationException(s_name + " pool carried over an earlier schedule's state: " + s_created);
                return new Node();
            }

            public static void Return(Node node) { node.Next = t_free; t_free = node; }

            public static void ExpectNewThread()
            {
                if (t_free is not null) throw new InvalidOperationException(s_name + " pool saw another thread's [ThreadStatic] nodes");
            }
        }

        public static class GenericStatics
        {
            public static void Test()
            {
                Pool<int>.ExpectNewThread();
                var t = new Thread(() => { Pool<int>.ExpectNewThread(); var n = Pool<int>.Rent(); Pool<int>.Return(n); });
                t.Start();
                var a = Pool<string>.Rent();
                Pool<string>.Return(a);
                if (Pool<string>.Rent() != a) throw new InvalidOperationException("the pool lost its node");
                t.Join();
                Pool<int>.Rent();
            }
        }

        public static class CancelWhileDisposing
        {
            public static void Test()
            {
                using var cts = new CancellationTokenSource();
                var gate = new object();
                int inCallback = 0;
                var canceller = new Thread(() => cts.Cancel());
                using (cts.Token.Register(() => { lock (gate) inCallback = 1; lock (gate) inCallback = 0; }))
                {
                    canceller.Start();
                }

                if (Volatile.Read(ref inCallback) != 0) throw new InvalidOperationException("Dispose returned while the callback ran");
                canceller.Join();
            }
        }

        public sealed class Account { public int Balance; }

        public sealed class Keyed
        {
            public override bool Equals(object? other) => ReferenceEquals(this, other);
            public override int GetHashCode() => base.GetHashCode();
        }

        public sealed record Point(int X, int Y);

        public static class Hashes
        {
            public static string Test()
            {
                var a = new Account();
                var b = new object();
                var k = new Keyed();
                var codes = new[] { a.GetHashCode(), RuntimeHelpers.GetHashCode(b), k.GetHashCode(), new Point(1, 2).GetHashCode(), "sku-42".GetHashCode() };
                if (a.GetHashCode() != RuntimeHelpers.GetHashCode(a) || k.GetHashCode() != RuntimeHelpers.GetHashCode(k))
                    throw new InvalidOperationException("an object's identity hash changed");
                if (new Point(1, 2).GetHashCode() != codes[3]) throw new InvalidOperationException("the record's own hash was not used");
                return string.Join(",", codes);
            }
        }

        public static class Jitter
        {
            private sealed class Counter { public int Value; }

            // Each thread picks at random between an atomic and a racy increment: the lost update needs the random
            // value and the interleaving both.
            private static void Add(Counter c, Random random)
            {
                if (random.Next(4) == 0) { int v = c.Value; c.Value = v + 1; }
                else Interlocked.Increment(ref c.Value);
            }

            public static void Test()
            {
                var c = new Counter();
                var a = new Thread(() => Add(c, Random.Shared));
                var b = new Thread(() => Add(c, new Random()));
                a.Start(); b.Start(); a.Join(); b.Join();
                if (c.Value != 2) throw new InvalidOperationException("lost update: " + c.Value);
            }

            public static string Draw() => Random.Shared.Next() + "/" + new Random().Next() + "/" + Guid.NewGuid();
        }

        public static class SyncOverAsync
        {
            public static void Test()
            {
                var task = System.Threading.Tasks.Task.Run(() => { Thread.Sleep(10); return 42; });
                if (task.ConfigureAwait(false).GetAwaiter().GetResult() != 42) throw new InvalidOperationException("wrong result");
            }
        }

        public static class PerThread
        {
            [ThreadStatic] private static int t_calls;

            private static void Once()
            {
                if (++t_calls != 1) throw new InvalidOperationException("saw another thread's [ThreadStatic] value: " + t_calls);
            }

            public static void Test()
            {
                var threads = new Thread[3];
                for (int i = 0; i < threads.Length; i++) { threads[i] = new Thread(Once); threads[i].Start(); }
                foreach (var t in threads) t.Join();
                Once();
            }
        }

        public static class KataTest
        {
            public static void HandOver(bool withIf)
            {
                var slot = new Slot();
                int a = 0, b = 0;
                var t1 = new Thread(() => a = withIf ? slot.TakeWithIf() : slot.Take());
                var t2 = new Thread(() => b = withIf ? slot.TakeWithIf() : slot.Take());
                t1.Start(); t2.Start();
                slot.Put(1); slot.Put(2);
                t1.Join(); t2.Join();
                if (a + b != 3) throw new InvalidOperationException("took " + a + " and " + b);
            }

            public static void StaticSynchronized()
            {
                var t = new Thread(Registry.Count);
                t.Start();
                Registry.Count();
                t.Join();
                if (Registry.Counted % 2 != 0) throw new InvalidOperationException("lost a count: " + Registry.Counted);
            }

            public static void DelegatesToSemaphore()
            {
                var semaphore = new SemaphoreSlim(1);
                Action enter = semaphore.Wait;
                Func<int> leave = semaphore.Release;
                int n = 0;
                ThreadStart work = () => { enter(); int seen = n; Thread.Yield(); n = seen + 1; leave(); };
                var t = new Thread(work);
                t.Start();
                work();
                t.Join();
                if (n != 2) throw new InvalidOperationException("lost an update: " + n);
            }
        }
        """;

    /// <summary>The snippets compiled, rewritten for learner code and loaded into <paramref name="sandbox"/>.</summary>
    private static (System.Reflection.Assembly Assembly, RewriteResult Rewritten) LoadRewritten(Sandbox sandbox)
    {
        var compiled = Snippets.Compile(Source, "Submission");
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, RealMap.Value);
        return (sandbox.Load(rewritten.Dll, rewritten.Pdb), rewritten);
    }

    private (ExplorationResult Result, RewriteReport Report) Explore(string type, string method, object?[]? args = null, bool resetStatics = true)
    {
        using var sandbox = new Sandbox();
        var (assembly, rewritten) = LoadRewritten(sandbox);
        output.WriteLine(rewritten.Report.ToString());
        var reset = resetStatics ? StaticFields.ResetterFor(assembly) : null;
        var result = ScheduleExplorer.Explore(() =>
            {
                reset?.Invoke();
                Sandbox.Run(assembly, type, method, args ?? []);
            },
            new ExplorationOptions
            {
                Seed = 1, MaxSchedules = 300, TimeBudget = TimeSpan.FromSeconds(20), UncontrolledGrace = TimeSpan.FromSeconds(30),
                OnOperationStart = resetStatics ? StaticFields.ThreadStaticResetterFor(assembly) : null,
            });
        output.WriteLine($"{method}: {result.SchedulesExplored} schedules, bug: {result.Bug?.Kind} {result.Bug?.Message}");
        return (result, rewritten.Report);
    }

    [Fact]
    public void Synchronized_methods_are_explored_as_locks_and_a_correct_monitor_passes()
    {
        var (result, report) = Explore("KataTest", "HandOver", [false]);

        Assert.Null(result.Bug);
        Assert.Equal(4, report.ReplacedCalls["System.Runtime.CompilerServices.MethodImplOptions::Synchronized"]);
    }

    [Fact]
    public void If_instead_of_while_around_Wait_in_a_synchronized_method_is_found()
    {
        var (result, _) = Explore("KataTest", "HandOver", [true]);

        Assert.NotNull(result.Bug);
        Assert.NotEqual(BugKind.Uncontrolled, result.Bug!.Kind);
    }

    [Fact]
    public void A_static_synchronized_method_locks_the_type()
    {
        var (result, _) = Explore("KataTest", "StaticSynchronized");

        Assert.Null(result.Bug);
        Assert.True(result.SchedulesExplored > 1);
    }

    [Fact]
    public void Delegates_bound_to_framework_instance_methods_call_the_controlled_versions()
    {
        var (result, report) = Explore("KataTest", "DelegatesToSemaphore");

        Assert.Null(result.Bug);
        Assert.True(result.SchedulesExplored > 1);
        Assert.Contains("System.Threading.SemaphoreSlim::Wait", report.ReplacedCalls.Keys);
        Assert.Contains("System.Threading.SemaphoreSlim::Release", report.ReplacedCalls.Keys);
    }

    [Fact]
    public void Every_schedule_starts_from_the_static_state_of_a_fresh_process()
    {
        var (result, report) = Explore("Leaky", "Test");

        Assert.Null(result.Bug);
        Assert.True(result.SchedulesExplored > 1);
        Assert.True(report.StaticResets >= 2);
    }

    [Fact]
    public void Without_the_reset_a_static_counter_carries_over_into_the_next_schedule()
    {
        var (result, _) = Explore("Leaky", "Test", resetStatics: false);

        Assert.NotNull(result.Bug);
        Assert.Contains("started from an earlier schedule's state", result.Bug!.Message + result.Bug.Exception);
    }

    [Fact]
    public void Every_instantiation_of_a_generic_type_starts_each_schedule_with_fresh_statics()
    {
        var (result, report) = Explore("GenericStatics", "Test");

        Assert.True(result.Bug is null, result.Bug?.Message);
        Assert.True(result.SchedulesExplored > 1);
        Assert.True(report.StaticResets >= 1);
    }

    [Fact]
    public void Without_the_reset_a_generic_type_carries_its_statics_into_the_next_schedule()
    {
        var (result, _) = Explore("GenericStatics", "Test", resetStatics: false);

        Assert.NotNull(result.Bug);
        Assert.Matches("pool (carried over an earlier schedule's state|saw another thread's)", result.Bug!.Message + result.Bug.Exception);
    }

    [Fact]
    public void Disposing_a_registration_in_a_using_block_waits_for_its_running_callback_in_the_scheduler()
    {
        var (result, report) = Explore("CancelWhileDisposing", "Test");

        Assert.True(result.Bug is null, result.Bug?.Message);
        Assert.True(result.SchedulesExplored > 1);
        Assert.True(report.ReplacedCalls.ContainsKey("System.Threading.CancellationTokenRegistration::Dispose"), string.Join(", ", report.ReplacedCalls.Keys));
    }

    [Fact]
    public void Hash_codes_are_the_same_in_every_schedule_and_a_strings_in_every_process()
    {
        using var sandbox = new Sandbox();
        var (assembly, rewritten) = LoadRewritten(sandbox);
        var seen = new List<string>();

        var result = ScheduleExplorer.Explore(() => seen.Add((string)Sandbox.Run(assembly, "Hashes", "Test")!),
            new ExplorationOptions { Seed = 1, MaxSchedules = 3, TimeBudget = TimeSpan.FromSeconds(20) });
        var outside = (string)Sandbox.Run(assembly, "Hashes", "Test")!;

        Assert.True(result.Bug is null, result.Bug?.Message + result.Bug?.Exception);
        Assert.Equal(3, seen.Count);
        Assert.All(seen, codes => Assert.Equal(seen[0], codes));
        Assert.NotEqual(seen[0], outside); // outside a run: the runtime's own codes
        // A string's code is randomized per process; inside a run it is FNV-1a of its characters, the same in every process.
        uint fnv = 2166136261;
        foreach (char c in "sku-42") fnv = (fnv ^ c) * 16777619;
        Assert.Equal(((int)fnv).ToString(), seen[0].Split(',')[4]);
        Assert.Equal("sku-42".GetHashCode().ToString(), outside.Split(',')[4]);
        Assert.True(rewritten.Report.ReplacedCalls.ContainsKey("System.Runtime.CompilerServices.RuntimeHelpers::GetHashCode"));
    }

    [Fact]
    public void A_finding_that_depends_on_unseeded_random_values_replays_every_time()
    {
        using var sandbox = new Sandbox();
        var (assembly, rewritten) = LoadRewritten(sandbox);
        var options = new ExplorationOptions { Seed = 1, MaxSchedules = 2000, TimeBudget = TimeSpan.FromSeconds(30) };

        var found = ScheduleExplorer.Explore(() => Sandbox.Run(assembly, "Jitter", "Test"), options);

        Assert.NotNull(found.Bug);
        Assert.Contains("lost update", found.Bug!.Message);
        for (int i = 0; i < 10; i++)
        {
            var replayed = ScheduleExplorer.Replay(() => Sandbox.Run(assembly, "Jitter", "Test"), found.Bug.ReplayToken, options);
            Assert.Equal(found.Bug.Message, replayed.Bug?.Message);
            Assert.Equal(found.Bug.Trace.Count, replayed.Bug!.Trace.Count);
        }

        Assert.True(rewritten.Report.ReplacedCalls.ContainsKey("System.Random::get_Shared"));
    }

    [Fact]
    public void Unseeded_random_values_differ_between_schedules_and_repeat_in_a_replay()
    {
        using var sandbox = new Sandbox();
        var (assembly, rewritten) = LoadRewritten(sandbox);
        var draws = new List<string>();
        void Draw() => draws.Add((string)Sandbox.Run(assembly, "Jitter", "Draw")!);
        var options = new ExplorationOptions { Strategy = "random", Seed = 7, MaxSchedules = 5, TimeBudget = TimeSpan.FromSeconds(20) };

        ScheduleExplorer.Explore(Draw, options);
        var first = draws.ToList();
        draws.Clear();
        ScheduleExplorer.Explore(Draw, options);

        Assert.Equal(5, first.Count);
        Assert.Equal(first, draws); // same seed, same values
        Assert.Equal(5, first.Distinct().Count()); // but a new draw in every schedule
        Assert.All(first, d => Assert.Equal(4, Guid.Parse(d.Split('/')[2]).Version));
    }

    [Fact]
    public void Blocking_on_a_configured_awaiter_of_a_task_with_a_result_waits_in_the_scheduler()
    {
        var (result, report) = Explore("SyncOverAsync", "Test");

        Assert.True(result.Bug is null, result.Bug?.Message);
        Assert.True(report.ReplacedCalls.ContainsKey("System.Runtime.CompilerServices.ConfiguredTaskAwaitable`1/ConfiguredTaskAwaiter::GetResult"),
            string.Join(", ", report.ReplacedCalls.Keys));
    }

    [Fact]
    public void Every_operation_sees_thread_static_fields_as_a_new_thread_does()
    {
        var (result, _) = Explore("PerThread", "Test");

        Assert.True(result.Bug is null, result.Bug?.Message);
        Assert.True(result.SchedulesExplored > 1);
    }

    [Fact]
    public void Without_the_reset_operations_on_a_reused_thread_see_its_thread_static_values()
    {
        var (result, _) = Explore("PerThread", "Test", resetStatics: false);

        Assert.NotNull(result.Bug);
        Assert.Contains("saw another thread's [ThreadStatic] value", result.Bug!.Message);
    }

    [Fact]
    public void The_reset_zeroes_static_fields_and_runs_the_static_constructor_again()
    {
        using var sandbox = new Sandbox();
        var (assembly, rewritten) = LoadRewritten(sandbox);
        var leaky = assembly.GetType("Leaky")!;
        object? Read(string name) => leaky.GetField(name)!.GetValue(null);
        Sandbox.Run(assembly, "Leaky", "Test");
        var gate = Read("Gate");

        StaticFields.ResetterFor(assembly)!();

        Assert.Equal(0, leaky.GetProperty("Runs")!.GetValue(null));
        Assert.NotSame(gate, Read("Gate"));
        Assert.NotNull(Read("Gate"));
        Assert.Equal(1, Read("Initializations")); // zeroed, then counted once by the re-run static constructor
        Sandbox.Run(assembly, "Leaky", "Test"); // the first run's state is gone
    }
}
