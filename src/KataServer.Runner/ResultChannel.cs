using System.Text.Json;
using KataServer.Grading.Sandbox;
using KataServer.Scheduling.Interception;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>
/// The runner's end of the grader's result channel: one signed <see cref="RunnerMessage"/> per line on descriptor 3.
/// Before each test result and before "done" it checks that the test infrastructure still is what the runner set up
/// (the concurrency driver, the explorer's memory observer); if learner code swapped them, it says so ("tampered")
/// and the grader distrusts the run.
/// </summary>
public sealed class ResultChannel(ResultChannelClient.Writer writer) : IDisposable
{
    private (IConcurrencyDriver Driver, ISharedMemoryObserver? Observer)? infrastructure;
    private bool tamperReported;

    /// <summary>Opens descriptor 3 and reads the run's key from standard input (which is closed afterwards).</summary>
    public static ResultChannel Open() => new(ResultChannelClient.OpenInherited());

    public void Send(RunnerMessage message)
    {
        switch (message.Type)
        {
            case RunnerMessage.TestStarted:
                // The suite runner has set up the driver and observer by now, and no test has run yet.
                infrastructure ??= (Concurrent.Driver, SharedMemoryHooks.Observer);
                break;
            case RunnerMessage.TestFinished or RunnerMessage.Finished:
                ReportTampering();
                break;
        }

        Write(message);
    }

    private void ReportTampering()
    {
        if (tamperReported || infrastructure is not { } expected) return;
        var changed = new List<string>();
        if (!ReferenceEquals(Concurrent.Driver, expected.Driver)) changed.Add("the concurrency driver (Concurrent.Driver) was replaced");
        if (!ReferenceEquals(SharedMemoryHooks.Observer, expected.Observer)) changed.Add("the explorer's memory-access observer was replaced");
        if (changed.Count == 0) return;
        tamperReported = true;
        Write(new RunnerMessage
        {
            Type = RunnerMessage.Tampered,
            Finding = new FindingData { Kind = FindingKind.Integrity.ToWireName(), Message = string.Join("; ", changed) },
        });
    }

    private void Write(RunnerMessage message) => writer.WriteLine(JsonSerializer.Serialize(message, ProtocolJson.Options));

    public void Dispose() => writer.Dispose();
}
