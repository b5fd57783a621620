using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>The seam where the systematic schedule explorer runs each test under a controlled scheduler.</summary>
public sealed class ExploreRunner(RunRequest request, ResultChannel channel) : ISuiteRunner
{
    public void Run(TestSuite suite)
    {
        foreach (var test in suite.Tests)
        {
            channel.Send(new()
            {
                Type = RunnerMessage.TestFinished,
                Test = test.Name,
                Outcome = "skipped",
                DurationMs = 0,
                Done = 0,
                Finding = Findings.Make(FindingKind.Uncontrolled, test.Name,
                    $"schedule exploration ({request.Explore.Strategy}) is not available in this runner yet"),
            });
        }
    }
}
