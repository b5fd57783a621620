using KataServer.Grading.Pipeline;
using KataServer.Testing.Protocol;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>
/// The trace a learner reads, through the whole pipeline (rewriter, sandboxed runner, report): each step on the learner's
/// true line, the kata test's own steps labelled as the test's, a lock statement's release known as such, array elements
/// named by their field.
/// </summary>
public sealed class TraceTruthTests(GraderFixture fixture) : IClassFixture<GraderFixture>
{
    private static int LineOf(string source, string text) =>
        Array.FindIndex(source.Split('\n'), line => line.Contains(text, StringComparison.Ordinal)) + 1 is > 0 and var line
            ? line : throw new ArgumentException("not in the source: " + text);

    [Fact]
    public async Task The_starter_of_the_async_kata_shows_its_finally_on_its_line_and_the_tests_counters_as_the_tests()
    {
        var kata = Repository.Kata("concurrency-limiter");
        var source = kata.Starter.Text;

        var report = await fixture.GradeAsync(kata, source, GradeMode.Explore, "limiter.cs");

        var steps = report.Findings.Where(f => f.Trace is not null).SelectMany(f => f.Trace!).ToList();
        var decrementLine = LineOf(source, "Interlocked.Decrement(ref _inFlight)");
        var learnersDecrements = steps.Where(s => s.Action == "Interlocked.Decrement" && !s.ByTest).ToList();
        Assert.NotEmpty(learnersDecrements);
        Assert.All(learnersDecrements, s => Assert.Equal(decrementLine, s.Line)); // never the await's line, never none
        var incrementLine = LineOf(source, "Interlocked.Increment(ref _inFlight)");
        Assert.All(steps.Where(s => s.Action == "Interlocked.Increment" && !s.ByTest), s => Assert.Equal(incrementLine, s.Line));
        Assert.Contains(steps, s => s.Action == "Interlocked.Increment" && s.ByTest); // the test's own count of running bodies
        Assert.All(steps.Where(s => s.ByTest), s => Assert.Null(s.Line));
    }

    private const string SplitLocks = """
        // Reads and writes under the lock, but in two lock statements: a hit between them is lost.
        public sealed class HitCounter
        {
            private readonly object _gate = new object();
            private readonly long[] _count = new long[1];

            public void Increment()
            {
                long seen;
                lock (_gate) // FIRST LOCK
                {
                    seen = _count[0];
                } // END OF FIRST LOCK
                lock (_gate)
                {
                    _count[0] = seen + 1;
                }
            }

            public long Total { get { lock (_gate) { return _count[0]; } } }
        }
        """;

    [Fact]
    public async Task A_lock_statements_release_is_on_its_closing_brace_and_array_elements_have_their_fields_name()
    {
        var report = await fixture.GradeAsync(Repository.Kata("hit-counter"), SplitLocks, GradeMode.Explore, "split-locks.cs");

        var trace = report.Findings.First(f => f.Trace is { Count: > 0 }).Trace!;
        var release = trace.First(s => s.Action.StartsWith("Monitor.Exit(", StringComparison.Ordinal) && s.Line == LineOf(SplitLocks, "END OF FIRST LOCK"));
        Assert.Equal(LineOf(SplitLocks, "FIRST LOCK"), release.LockStatementLine);
        Assert.All(trace.Where(s => s.Action.StartsWith("Monitor.Exit(", StringComparison.Ordinal) && !s.ByTest), s => Assert.NotNull(s.LockStatementLine));
        Assert.Contains(trace, s => s.Action == "read HitCounter._count[0]");
        Assert.Contains(trace, s => s.Action == "write HitCounter._count[0]");
        Assert.DoesNotContain(trace, s => s.Action.Contains("Int64[", StringComparison.Ordinal));
        var learnersOwn = trace.Where(s => !s.ByTest && (s.Action.StartsWith("read ", StringComparison.Ordinal) || s.Action.StartsWith("write ", StringComparison.Ordinal) || s.Action.StartsWith("Monitor.", StringComparison.Ordinal)));
        Assert.All(learnersOwn, s => Assert.True(s.Line > 0, $"step {s.Step} '{s.Action}' has no line"));
    }
}
