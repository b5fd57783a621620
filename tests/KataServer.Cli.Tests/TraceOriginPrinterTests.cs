using KataServer.Cli.Output;
using KataServer.Testing.Protocol;

namespace KataServer.Cli.Tests;

/// <summary>How the table names a step and shows where it was taken: the learner's line, or the kata test's own code.</summary>
public sealed class TraceOriginPrinterTests
{
    private static string Print(params TraceStepData[] trace)
    {
        var output = new StringWriter();
        TracePrinter.Print(trace, output, width: 200);
        return output.ToString();
    }

    [Fact]
    public void The_tests_own_steps_read_test_and_the_learners_read_their_line()
    {
        var text = Print(
            new() { Step = 0, Thread = 1, ThreadName = "task 1", Action = "Interlocked.Increment", Line = 22 },
            new() { Step = 1, Thread = 1, ThreadName = "task 1", Action = "Interlocked.Increment", ByTest = true },
            new() { Step = 2, Thread = 2, ThreadName = "task 2", Action = "starts" });

        Assert.Contains("Interlocked.Increment (line 22)", text);
        Assert.Contains("Interlocked.Increment (test)", text);
        Assert.DoesNotContain("starts (", text);
    }

    [Fact]
    public void The_release_a_lock_statement_makes_is_named_after_the_lock_and_a_failed_Try_says_false()
    {
        var release = new TraceStepData { Step = 0, Thread = 1, ThreadName = "thread 1", Action = "Monitor.Exit(lock A)", Line = 30, LockStatementLine = 27 };
        var explicitExit = new TraceStepData { Step = 1, Thread = 1, ThreadName = "thread 1", Action = "Monitor.Exit(lock B)", Line = 41 };
        var full = new TraceStepData { Step = 2, Thread = 2, ThreadName = "thread 2", Action = "ChannelWriter.TryWriteAsLongAsItGets", Line = 50, Result = "false" };

        Assert.Equal("releases lock A (end of lock at line 27)", TracePrinter.Describe(release));
        Assert.Equal("Monitor.Exit(lock B)", TracePrinter.Describe(explicitExit));
        Assert.Equal("ChannelWriter.TryWriteAsLongAsItGets → false", TracePrinter.Describe(full));
        var text = Print(release, explicitExit, full);
        Assert.Contains("releases lock A (end of… (line 30)", text); // a cut cell keeps its line
        Assert.Contains("ChannelWriter.T… → false (line 50)", text); // the result is never the part cut off
    }
}
