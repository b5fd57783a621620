using KataServer.Grading.Reports;
using KataServer.Grading.Runs;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// One stress budget per grade, shared by the tests by what exploration could not cover. A test's share multiplies
/// the kata's stress iterations and seconds for that test:
/// <list type="bullet">
/// <item>exploration covered every schedule within its bound and passed: <see cref="ExhaustedShare"/>;</item>
/// <item>exploration ran its whole schedule budget and passed: <see cref="ExploredShare"/>;</item>
/// <item>exploration ended on its own before either budget (its strategies ran out of schedules, but sleeps or
/// timeouts ordered operations, so there is no certificate): <see cref="ExploredShare"/>;</item>
/// <item>exploration was cut short by its time budget: more, up to the whole, as it reached fewer schedules;</item>
/// <item>not explored (stress mode, or the test opts out): the whole. A test the explorer could not judge (an API it does
/// not model) gets the runner's larger <c>UnexploredScale</c> instead, as before.</item>
/// </list>
/// Stress still looks as long as before for one iteration in which the threads overlapped before it calls a test
/// serialized, so a smaller share never makes a correct solution fail.
/// </summary>
public static class StressBudget
{
    public const double ExhaustedShare = 0.1;
    public const double ExploredShare = 0.25;

    /// <summary>Each test's share of its stress budget after <paramref name="exploration"/> passed (no share: the whole).</summary>
    /// <param name="secondsPerTest">The explore time budget per test: a test that used less than half of it and fewer
    /// schedules than <paramref name="maxSchedules"/> was not cut short, it ran out of schedules.</param>
    public static IReadOnlyDictionary<string, double> Shares(StageResult exploration, int maxSchedules, double secondsPerTest)
    {
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var test in exploration.Tests.Where(t => t.Outcome == TestOutcomes.Passed))
        {
            var endedOnItsOwn = test.DurationMs < secondsPerTest * 1000 / 2;
            shares[test.Name] = test.Exhausted == true ? ExhaustedShare
                : endedOnItsOwn ? ExploredShare
                : Math.Clamp(1 - (double)test.Runs / Math.Max(1, maxSchedules), ExploredShare, 1);
        }

        return shares;
    }
}
