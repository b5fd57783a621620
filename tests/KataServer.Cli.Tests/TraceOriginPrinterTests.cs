using KataServer.Cli.Output;
using KataServer.Testing.Protocol;

namespace KataServer.Cli.Tests;

/// <summary>How the table shows where a step was taken: the learner's line, or the kata test's own code.</summary>
public sealed class TraceOriginPrinterTests
{
    [Fact]
    public void The_tests_own_steps_read_test_and_the_learners_read_their_line()
    {
        var trace = new List<TraceStepData>
        {
            new() { Step = 0, Thread = 1, ThreadName = "task 1", Action = "Interlocked.Increment", Line = 22 },
            new() { Step = 1, Thread = 1, ThreadName = "task 1", Action = "Interlocked.Increment", ByTest = true },
            new() { Step = 2, Thread = 2, ThreadName = "task 2", Action = "releases lock A (end of lock at line 27)", Line = 30 },
        };
        var output = new StringWriter();

        TracePrinter.Print(trace, output, width: 200);

        var text = output.ToString();
        Assert.Contains("Interlocked.Increment (line 22)", text);
        Assert.Contains("Interlocked.Increment (test)", text);
        Assert.Contains("(line 30)", text); // a cut cell keeps its line
        Assert.Equal(" (test)", TracePrinter.Where(trace[1]));
        Assert.Equal("", TracePrinter.Where(new TraceStepData { Action = "starts" }));
    }
}
