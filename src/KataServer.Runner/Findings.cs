using System.Diagnostics;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>Turns what went wrong in a test into a finding a learner can read.</summary>
public static class Findings
{
    public static FindingData FromException(Exception exception, string test, string submissionFileName)
    {
        if (exception is KataAssertionException broken)
            return new FindingData { Kind = broken.Kind.ToWireName(), Test = test, Message = broken.Message };

        var where = LearnerLine(exception, submissionFileName) is { } line ? $" at line {line} of your code" : "";
        var message = exception switch
        {
            OutOfMemoryException => "your code ran out of memory" + where,
            _ => $"{exception.GetType().Name} thrown{where}: {exception.Message}",
        };
        return new FindingData { Kind = FindingKind.Exception.ToWireName(), Test = test, Message = message };
    }

    /// <summary>The line of the learner's file closest to where the exception was thrown, from the PDB.</summary>
    public static int? LearnerLine(Exception exception, string submissionFileName)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
        {
            var file = frame.GetFileName();
            if (file is not null && Path.GetFileName(file) == submissionFileName && frame.GetFileLineNumber() > 0)
                return frame.GetFileLineNumber();
        }

        return null;
    }

    /// <summary>The test's threads never ran at the same time (see <see cref="Concurrent.OperationDone"/>).</summary>
    public static FindingData NeverOverlapped(string test, OverlapCounts overlap, string runs) => Make(FindingKind.Serialized, test,
        $"Your code made the test's threads run one after another: in all {overlap.Observed} {runs} of this test, no thread finished an operation " +
        "while another thread was between two of its own. The test needs its threads to run at the same time to judge your code; " +
        "making a thread wait until the others are done (by sleeping, or waiting for its turn) hides a concurrency bug instead of fixing it.");

    public static FindingData Make(FindingKind kind, string test, string message) =>
        new() { Kind = kind.ToWireName(), Test = test, Message = message };
}
