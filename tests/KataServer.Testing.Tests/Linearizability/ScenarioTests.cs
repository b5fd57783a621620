using KataServer.Testing.Linearizability;
using Xunit.Abstractions;

namespace KataServer.Testing.Tests.Linearizability;

public sealed class LockedStack
{
    private readonly Lock gate = new();
    private readonly Stack<int> items = new();

    public void Push(int x)
    {
        lock (gate)
        {
            items.Push(x);
        }
    }

    public bool TryPop(out int x)
    {
        lock (gate)
        {
            return items.TryPop(out x);
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (gate)
            {
                return items.Count == 0;
            }
        }
    }
}

/// <summary>Treiber push, but a non-atomic pop: read head, yield, write head = head.Next (no CAS).</summary>
public sealed class BrokenStack
{
    private Node? head;

    public void Push(int x)
    {
        var node = new Node(x);
        do
        {
            node.Next = Volatile.Read(ref head);
        }
        while (Interlocked.CompareExchange(ref head, node, node.Next) != node.Next);
    }

    public bool TryPop(out int x)
    {
        var h = Volatile.Read(ref head);
        if (h is null)
        {
            x = 0;
            return false;
        }

        Thread.Yield();
        Volatile.Write(ref head, h.Next);
        x = h.Value;
        return true;
    }

    public bool IsEmpty => Volatile.Read(ref head) is null;

    private sealed class Node(int value)
    {
        public readonly int Value = value;
        public Node? Next;
    }
}

[Collection("Linearizability real threads")]
public class ScenarioTests(ITestOutputHelper output)
{
    private static OperationSpec<LockedStack>[] LockedOps =>
    [
        OperationSpec<LockedStack>.Void("Push", r => r.Next(1, 6), (s, a) => s.Push((int)a!)),
        new("TryPop", null, (s, _) => s.TryPop(out var x) ? (true, x) : (false, 0)),
        new("IsEmpty", null, (s, _) => s.IsEmpty) { Weight = 0.5 },
    ];

    private static OperationSpec<BrokenStack>[] BrokenOps =>
    [
        OperationSpec<BrokenStack>.Void("Push", r => r.Next(1, 6), (s, a) => s.Push((int)a!)),
        new("TryPop", null, (s, _) => s.TryPop(out var x) ? (true, x) : (false, 0)),
        new("IsEmpty", null, (s, _) => s.IsEmpty) { Weight = 0.5 },
    ];

    [Fact]
    public void GenerationIsDeterministicPerSeed()
    {
        var gen = new ScenarioGenerator<LockedStack>(LockedOps, new ScenarioShape { Threads = 3, OpsPerThread = 5, InitOps = 2, PostOps = 1 });
        var a = gen.Generate(42);
        var b = gen.Generate(42);
        Assert.Equal(a.ToString(), b.ToString());
        Assert.NotEqual(a.ToString(), gen.Generate(43).ToString());
        Assert.Equal(3, a.Threads);
        Assert.Equal(2 + 15 + 1, a.OperationCount);
    }

    [Fact]
    public void CorrectLockBasedStackPasses20Trials()
    {
        var progress = new List<ScenarioProgress>();
        var runner = ScenarioRunner<LockedStack>.ForModel(
            () => new LockedStack(),
            LockedOps,
            new StackModel(),
            new ScenarioRunnerOptions { Scenarios = 4, InvocationsPerScenario = 5, Seed = 7, Progress = new SyncProgress<ScenarioProgress>(progress.Add) });
        var report = runner.Run();
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(20, report.Invocations);
        Assert.Equal(Enumerable.Range(1, 20), progress.Select(p => p.Runs));
        Assert.All(progress, p => Assert.Equal(20, p.PlannedRuns));
    }

    [Fact]
    public void BrokenStackIsCaughtAndShrunk()
    {
        var runner = new ScenarioRunner<BrokenStack>(
            () => new BrokenStack(),
            BrokenOps,
            LinearizabilityChecker.CreateCheck(new StackModel()),
            new ScenarioRunnerOptions
            {
                Shape = new ScenarioShape { Threads = 3, OpsPerThread = 5, InitOps = 2 },
                Scenarios = 50,
                InvocationsPerScenario = 20,
                Seed = 3,
                ShrinkInvocations = 30,
                MaxShrinkAttempts = 60,
            });
        var report = runner.Run();
        Assert.False(report.Passed, "the non-atomic pop was not caught in 1000 runs");
        var failure = report.Failure!;
        Assert.Equal(FailureKind.NotLinearizable, failure.Kind);
        Assert.True(failure.Minimal.OperationCount <= failure.Original.OperationCount);
        Assert.True(failure.Minimal.OperationCount <= 8, "not shrunk enough:\n" + failure.Render());
        Assert.True(failure.Minimal.ParallelPart.Count(t => t.Count > 0) >= 2, "a race needs two threads:\n" + failure.Render());

        var text = failure.Render();
        output.WriteLine($"found after {failure.InvocationsBeforeFound} runs; shrunk from {failure.Original.OperationCount} to {failure.Minimal.OperationCount} operations in {failure.ShrinkAttempts} attempts");
        output.WriteLine(text);
        Assert.Contains("| | thread 1 | thread 2 |", text, StringComparison.Ordinal);
        Assert.Contains("cannot be explained", text, StringComparison.Ordinal);
        Assert.Contains("no sequential order of these operations can produce these results", text, StringComparison.Ordinal);
        Assert.True(failure.Check.IsViolation);
    }

    [Fact]
    public void ConcurrentDictionaryPassesAsAMapCheckedPerKey()
    {
        var ops = new OperationSpec<System.Collections.Concurrent.ConcurrentDictionary<string, int>>[]
        {
            new("Get", r => "k" + r.Next(3), (d, k) => d.TryGetValue((string)k!, out var v) ? (true, v) : (false, 0)),
            new("TryAdd", r => ("k" + r.Next(3), r.Next(10)), (d, a) => d.TryAdd((((string, int))a!).Item1, (((string, int))a!).Item2)),
            new("Remove", r => "k" + r.Next(3), (d, k) => d.TryRemove((string)k!, out _)),
        };
        var report = ScenarioRunner<System.Collections.Concurrent.ConcurrentDictionary<string, int>>.ForModel(
            () => new(),
            ops,
            new MapModel(),
            new ScenarioRunnerOptions { Scenarios = 5, InvocationsPerScenario = 4, Seed = 11 }).Run();
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void RunStopsWhenCancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var runner = ScenarioRunner<LockedStack>.ForModel(() => new LockedStack(), LockedOps, new StackModel(), new ScenarioRunnerOptions { CancellationToken = cts.Token });
        Assert.ThrowsAny<OperationCanceledException>(() => runner.Run());
    }

    [Fact]
    public void ExecutorIsPluggable()
    {
        // A "scheduler" that runs the bodies one after another: the broken stack then never races.
        var calls = 0;
        ParallelOutcome Sequential(IReadOnlyList<Action> bodies, TimeSpan watchdog)
        {
            Interlocked.Increment(ref calls);
            foreach (var body in bodies)
            {
                body();
            }

            return ParallelOutcome.AllCompleted;
        }

        var runner = new ScenarioRunner<BrokenStack>(
            () => new BrokenStack(),
            BrokenOps,
            LinearizabilityChecker.CreateCheck(new StackModel()),
            new ScenarioRunnerOptions { Scenarios = 5, InvocationsPerScenario = 2, Executor = Sequential, Shape = new ScenarioShape { PostOps = 2 } });
        var report = runner.Run();
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(30, calls); // init, parallel and post parts of 10 runs
    }

    [Fact]
    public void StuckThreadIsReportedAsHungWithPendingOperation()
    {
        using var release = new ManualResetEventSlim(false);
        try
        {
            var ops = new OperationSpec<LockedStack>[]
            {
                OperationSpec<LockedStack>.Void("Push", r => 1, (s, a) => s.Push((int)a!)),
                OperationSpec<LockedStack>.Void("Block", null, (s, _) => release.Wait()),
            };
            var runner = new ScenarioRunner<LockedStack>(
                () => new LockedStack(),
                ops,
                LinearizabilityChecker.CreateCheck(Model.FromDelegate(0, (int s, ModelCall c) => (true, s))),
                new ScenarioRunnerOptions
                {
                    Shape = new ScenarioShape { Threads = 2, OpsPerThread = 4, InitOps = 0 },
                    Scenarios = 20,
                    InvocationsPerScenario = 1,
                    Watchdog = TimeSpan.FromMilliseconds(200),
                });
            var report = runner.Run();
            Assert.False(report.Passed);
            Assert.Equal(FailureKind.Hung, report.Failure!.Kind);
            Assert.Contains(report.Failure.Run.History.Operations, o => o.IsPending && o.Name == "Block");
            Assert.Contains("Block() never returned within the watchdog", report.Failure.Render(), StringComparison.Ordinal);
        }
        finally
        {
            release.Set();
        }
    }

    [Fact]
    public void ShrinkerFindsMinimalScenarioWithDeterministicPredicate()
    {
        // "Fails" whenever thread work contains a Pop and some thread contains Push(3).
        var ops = new List<IReadOnlyList<ScenarioOp>>
        {
            new[] { new ScenarioOp("Push", 1), new ScenarioOp("Pop"), new ScenarioOp("Push", 2) },
            new[] { new ScenarioOp("Push", 3), new ScenarioOp("Pop") },
            new[] { new ScenarioOp("Push", 4) },
        };
        var scenario = new Scenario([new ScenarioOp("Push", 9)], ops, [new ScenarioOp("Pop")]);
        static bool Fails(Scenario s) =>
            s.ParallelPart.SelectMany(t => t).Any(o => o.Name == "Pop") &&
            s.ParallelPart.SelectMany(t => t).Any(o => o.Name == "Push" && Equals(o.Argument, 3));

        var minimal = ScenarioShrinker.Shrink(scenario, Fails);
        Assert.Equal(2, minimal.OperationCount);
        Assert.Empty(minimal.InitPart);
        Assert.Empty(minimal.PostPart);
        Assert.True(Fails(minimal));
    }

    [Fact]
    public void RendersTableWithUnexplainedResult()
    {
        var scenario = new Scenario(
            [new ScenarioOp("Push", 1)],
            [new[] { new ScenarioOp("TryPop") }, new[] { new ScenarioOp("TryPop") }],
            []);
        var recorder = new HistoryRecorder(4);
        recorder.NameThread(0, "thread 1");
        recorder.NameThread(1, "thread 2");
        recorder.NameThread(2, "init");
        recorder.Return(recorder.Invoke(2, "Push", 1));
        var a = recorder.Invoke(0, "TryPop");
        var b = recorder.Invoke(1, "TryPop");
        recorder.Return(a, (true, 1));
        recorder.Return(b, (true, 1));
        var run = new ScenarioRun(scenario, recorder.Snapshot(), true, [], null);
        var check = LinearizabilityChecker.Check(new StackModel(), run.History);
        var text = ScenarioRenderer.Render(run, check, FailureKind.NotLinearizable);

        Assert.Contains("| init | Push(1) | |", text, StringComparison.Ordinal);
        Assert.Contains("| 1 | TryPop() -> (true, 1) | **TryPop() -> (true, 1)** ⟵ cannot be explained |", text, StringComparison.Ordinal);
        Assert.Contains("The result that cannot be explained: thread 2: TryPop() returned (true, 1)", text, StringComparison.Ordinal);
        Assert.Contains("After that order the stack is empty", text, StringComparison.Ordinal);
    }
}

/// <summary>An IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
