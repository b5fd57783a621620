using KataServer.Scheduling;
using KataServer.Scheduling.Interception;
using Xunit.Abstractions;

namespace KataServer.Rewriting.Tests;

/// <summary>
/// Rewritten learner code explored by the real engine of KataServer.Scheduling with the real replacements: checks that the
/// conventions on both sides meet at run time.
/// </summary>
[Collection(nameof(EndToEndTests))]
public class EndToEndTests(ITestOutputHelper output)
{
    private static readonly Lazy<InterceptionMap> RealMap = new(() => InterceptionMap.FromAssembly(typeof(InterceptsAttribute).Assembly));

    private const string Source = """
        using System;
        using System.Threading;
        public sealed class Counter
        {
            private readonly object _gate = new object();
            private int _n;
            public void Inc() { _n++; }
            public void SafeInc() { lock (_gate) { _n++; } }
            public int Value => _n;
        }
        public static class KataTest
        {
            public static void Racy() => Run(c => c.Inc());
            public static void Locked() => Run(c => c.SafeInc());
            private static void Run(Action<Counter> inc)
            {
                var c = new Counter();
                var t1 = new Thread(() => inc(c));
                var t2 = new Thread(() => inc(c));
                t1.Start(); t2.Start(); t1.Join(); t2.Join();
                if (c.Value != 2) throw new InvalidOperationException("lost update: " + c.Value); // CHECK
            }
            public static void Deadlock()
            {
                object a = new object(), b = new object();
                var t = new Thread(() => { lock (b) { lock (a) { } } });
                t.Start();
                lock (a) { lock (b) { } }
                t.Join();
            }
        }
        """;

    private ExplorationResult Explore(string method)
    {
        var compiled = Snippets.Compile(Source, "Submission");
        var rewritten = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, RealMap.Value);
        output.WriteLine(rewritten.Report.ToString());
        using var sandbox = new Sandbox();
        var assembly = sandbox.Load(rewritten.Dll, rewritten.Pdb);
        var result = ScheduleExplorer.Explore(() => Sandbox.Run(assembly, "KataTest", method),
            new ExplorationOptions { Seed = 1, MaxSchedules = 200, TimeBudget = TimeSpan.FromSeconds(10), UncontrolledGrace = TimeSpan.FromSeconds(30) });
        output.WriteLine($"{method}: {result.SchedulesExplored} schedules, bug: {result.Bug?.Kind} {result.Bug?.Message}");
        foreach (var step in result.Bug?.Trace ?? [])
        {
            output.WriteLine($"  {step.Step,3} {step.OperationName,-12} {step.Action}  {Path.GetFileName(step.SourceFile)}:{step.Line}");
        }

        return result;
    }

    [Fact]
    public void Every_replacement_in_the_engine_matches_a_member_of_the_framework_type_it_stands_for()
    {
        // A replacement whose signature drifts from the real member is silently never used: the call stays uncontrolled.
        Assert.True(RealMap.Value.Diagnostics.Count == 0, string.Join("\n", RealMap.Value.Diagnostics));
        Assert.Contains(RealMap.Value.Entries, e => e.Target.StartsWith("System.Threading.RegisteredWaitHandle::Unregister(", StringComparison.Ordinal));
    }

    [Fact]
    public void Lost_update_on_a_plain_field_is_found_by_exploring_field_interleavings()
    {
        var result = Explore("Racy");
        Assert.NotNull(result.Bug);
        Assert.Equal(BugKind.Exception, result.Bug!.Kind);
        Assert.Contains("lost update", result.Bug.Message + result.Bug.Exception);
    }

    [Fact]
    public void The_locked_version_has_no_bug()
    {
        var result = Explore("Locked");
        Assert.Null(result.Bug);
        Assert.True(result.SchedulesExplored > 1);
    }

    [Fact]
    public void Opposite_lock_order_is_a_deadlock()
    {
        var result = Explore("Deadlock");
        Assert.NotNull(result.Bug);
        Assert.Equal(BugKind.Deadlock, result.Bug!.Kind);
    }
}

/// <summary>The engine installs its own <see cref="SharedMemoryHooks.Observer"/> (a global): run these alone, after the others.</summary>
[CollectionDefinition(nameof(EndToEndTests), DisableParallelization = true)]
public sealed class EndToEndCollection;
