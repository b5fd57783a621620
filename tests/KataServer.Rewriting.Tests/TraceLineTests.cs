using KataServer.Scheduling;
using KataServer.Scheduling.Interception;
using Xunit.Abstractions;

namespace KataServer.Rewriting.Tests;

/// <summary>
/// The learner-facing trace of a small learner program driven by a separate "kata test" assembly, both rewritten and run
/// by the real engine: each step on its true line (inside an async finally and a catch too), the release at the end of a
/// lock statement named as such, the test's own steps labelled as the test's, array elements named by the field or local
/// they were loaded from, and Try* calls that returned false saying so.
/// </summary>
[Collection(nameof(EndToEndTests))]
public class TraceLineTests(ITestOutputHelper output)
{
    private static readonly Lazy<InterceptionMap> RealMap = new(() => InterceptionMap.FromAssembly(typeof(InterceptsAttribute).Assembly));

    private const string Learner = """
        using System;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;
        public sealed class Limiter
        {
            private int _inFlight;
            public async Task<int> RunAsync(Func<Task<int>> work)
            {
                Interlocked.Increment(ref _inFlight); // INCREMENT
                try
                {
                    return await work(); // AWAIT
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight); // FINALLY
                }
            }
        }
        public sealed class Bank
        {
            private readonly object _gate = new object();
            private readonly long[] _balances = new long[2];
            private int _failures;
            public void Deposit(int account, long amount)
            {
                lock (_gate) // LOCK
                {
                    _balances[account] += amount; // ADD
                } // END LOCK
            }
            public long Read(int i) { var balances = _balances; return balances[i]; } // LOCAL
            public void Withdraw(long amount)
            {
                Monitor.Enter(_gate);
                try
                {
                    if (amount > 0) throw new InvalidOperationException("no funds");
                }
                catch (InvalidOperationException)
                {
                    Interlocked.Increment(ref _failures); // CATCH
                }
                finally
                {
                    Monitor.Exit(_gate); // EXPLICIT EXIT
                }
            }
        }
        public sealed class Mailbox
        {
            private readonly Channel<int> _channel = Channel.CreateBounded<int>(1);
            public bool Offer(int value) => _channel.Writer.TryWrite(value); // TRYWRITE
        }
        """;

    private const string Test = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        public static class KataTest
        {
            public static async Task Run()
            {
                var limiter = new Limiter();
                int running = 0;
                await limiter.RunAsync(async () => { Interlocked.Increment(ref running); await Task.Yield(); return 1; });
                var bank = new Bank();
                bank.Deposit(0, 5);
                bank.Read(1);
                bank.Withdraw(5);
                var mailbox = new Mailbox();
                mailbox.Offer(1);
                mailbox.Offer(2);
                throw new InvalidOperationException("the end of the test: a finding, so that the engine records the trace");
            }
        }
        """;

    private static readonly Lazy<IReadOnlyList<TraceStep>> Trace = new(RunOnce);

    private static IReadOnlyList<TraceStep> RunOnce()
    {
        var learner = Snippets.Compile(Learner, "Submission");
        var test = Snippets.Compile(Test, "KataTests", false, learner.Dll);
        var learnerRewritten = AssemblyRewriter.Rewrite(learner.Dll, learner.Pdb, RewriteOptions.Learner, RealMap.Value);
        var testRewritten = AssemblyRewriter.Rewrite(test.Dll, test.Pdb, RewriteOptions.KataTests with { ReferencedAssemblies = [learner.Dll] }, RealMap.Value);
        using var sandbox = new Sandbox();
        var submission = sandbox.Load(learnerRewritten.Dll, learnerRewritten.Pdb);
        var tests = sandbox.Load(testRewritten.Dll, testRewritten.Pdb);
        var result = ScheduleExplorer.Explore(() => (Task)tests.GetType("KataTest")!.GetMethod("Run")!.Invoke(null, null)!,
            new ExplorationOptions
            {
                Seed = 1, MaxSchedules = 1, TimeBudget = TimeSpan.FromSeconds(30), UncontrolledGrace = TimeSpan.FromSeconds(30),
                IsUserSourceFile = file => file == learner.Path,
                IsUserAssembly = assembly => assembly == submission,
                IsTestAssembly = assembly => assembly == tests,
            });
        Assert.NotNull(result.Bug);
        Assert.Contains("the end of the test", result.Bug!.Message);
        return result.Bug.Trace;
    }

    private IReadOnlyList<TraceStep> Steps()
    {
        foreach (var step in Trace.Value)
        {
            output.WriteLine($"{step.Step,3} {step.OperationName,-14} {step.Action,-40} {(step.ByTest ? "(test)" : step.Line?.ToString())} {step.LockStatementLine} {step.Result}");
        }

        return Trace.Value;
    }

    private static int LineOf(string marker) => Snippets.LineOf(Learner, marker);

    [Fact]
    public void A_call_inside_an_async_finally_is_on_its_own_line_not_the_await_before_it()
    {
        var decrement = Assert.Single(Steps(), s => s.Action == "Interlocked.Decrement");
        Assert.Equal(LineOf("// FINALLY"), decrement.Line);
        Assert.NotEqual(LineOf("// AWAIT"), decrement.Line);
        Assert.Equal(LineOf("// FINALLY"), Assert.Single(Steps(), s => s.Action == "read Limiter._inFlight" && s.Line != LineOf("// INCREMENT")).Line);
    }

    [Fact]
    public void The_release_at_the_end_of_a_lock_statement_is_on_its_closing_brace_and_knows_the_lock_line()
    {
        var exits = Steps().Where(s => s.Action.StartsWith("Monitor.Exit(", StringComparison.Ordinal)).ToList();
        var release = Assert.Single(exits, s => s.LockStatementLine is not null); // the compiler's, at the end of lock (...) { }
        Assert.Equal(LineOf("// LOCK"), release.LockStatementLine);
        Assert.Equal(LineOf("// END LOCK"), release.Line);
        var enter = Steps().First(s => s.Action.StartsWith("Monitor.Enter", StringComparison.Ordinal));
        Assert.Equal(LineOf("// LOCK"), enter.Line);
    }

    [Fact]
    public void A_Monitor_Exit_the_learner_wrote_in_a_finally_and_a_call_in_a_catch_keep_their_own_lines()
    {
        var exit = Assert.Single(Steps(), s => s.Action.StartsWith("Monitor.Exit(", StringComparison.Ordinal) && s.LockStatementLine is null);
        Assert.Equal(LineOf("// EXPLICIT EXIT"), exit.Line);
        var inCatch = Assert.Single(Steps(), s => s.Action == "read Bank._failures");
        Assert.Equal(LineOf("// CATCH"), inCatch.Line);
    }

    [Fact]
    public void The_tests_own_steps_are_labelled_as_the_tests_and_never_carry_a_learner_line()
    {
        var steps = Steps();
        var increments = steps.Where(s => s.Action == "Interlocked.Increment").ToList();
        Assert.Equal(2, increments.Count(s => !s.ByTest)); // the learner's two (RunAsync, the catch)
        var testsOwn = Assert.Single(increments, s => s.ByTest); // the test's counter, in its callback the learner awaited
        Assert.Null(testsOwn.Line);
        Assert.Null(testsOwn.SourceFile);
        Assert.All(steps.Where(s => s.ByTest), s => Assert.Null(s.Line));
    }

    [Fact]
    public void Every_step_of_the_learners_code_has_a_line()
    {
        var learnerSteps = Steps().Where(s => !s.ByTest && s.OperationName != "main" &&
            !s.Action.StartsWith("starts", StringComparison.Ordinal) && !s.Action.StartsWith("completed", StringComparison.Ordinal) &&
            !s.Action.StartsWith("blocked", StringComparison.Ordinal) && !s.Action.StartsWith("resumes", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(learnerSteps);
        Assert.All(learnerSteps, s => Assert.True(s.Line > 0, $"step {s.Step} '{s.Action}' has no line"));
    }

    [Fact]
    public void Array_elements_are_named_by_the_field_or_local_they_were_loaded_from()
    {
        var steps = Steps();
        Assert.Contains(steps, s => s.Action == "read Bank._balances[0]" && s.Line == LineOf("// ADD"));
        Assert.Contains(steps, s => s.Action == "write Bank._balances[0]" && s.Line == LineOf("// ADD"));
        Assert.Contains(steps, s => s.Action == "read balances[1]" && s.Line == LineOf("// LOCAL"));
        Assert.DoesNotContain(steps, s => s.Action.Contains("Int64[", StringComparison.Ordinal));
    }

    [Fact]
    public void A_TryWrite_that_returned_false_says_so()
    {
        var writes = Steps().Where(s => s.Action == "ChannelWriter.TryWrite").ToList();
        Assert.Equal(2, writes.Count);
        Assert.Equal(["ChannelWriter.TryWrite", "ChannelWriter.TryWrite"], writes.Select(s => s.Action));
        Assert.Null(writes[0].Result); // room in the channel: true, nothing to say
        Assert.Equal("false", writes[1].Result); // full
        Assert.All(writes, s => Assert.Equal(LineOf("// TRYWRITE"), s.Line));
    }
}
