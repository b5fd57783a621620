using System.Text.Json;
using KataServer.Grading.Sandbox;
using KataServer.Scheduling.Interception;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>
/// The runner's end of the grader's result channel: one signed <see cref="RunnerMessage"/> per line on descriptor 3.
/// Before each test result, the measured throughput and "done" it checks that the test infrastructure still is what the runner set up
/// (the concurrency driver, the explorer's memory observer); if learner code swapped them, it says so ("tampered")
/// and the grader distrusts the run.
/// </summary>
public sealed class ResultChannel(ResultChannelClient.Writer writer) : IDisposable
{
    private (IConcurrencyDriver Driver, ISharedMemoryObserver? Observer)? infrastructure;
    private bool tamperReported;

    /// <summary>Opens descriptor 3 with the run's key, the first line of <paramref name="stdin"/> (the run's input follows).</summary>
    public static ResultChannel Open(Stream stdin) => new(ResultChannelClient.OpenInherited(stdin));

    /// <summary>Called by each suite runner once it has set up the driver and observer, before any learner code runs:
    /// from then on every result is preceded by a check that they are still the same.</summary>
    public void GuardInfrastructure() => infrastructure ??= (Concurrent.Driver, SharedMemoryHooks.Observer);

    public void Send(RunnerMessage message)
    {
        if (message.Type is RunnerMessage.TestFinished or RunnerMessage.Measured or RunnerMessage.Finished) ReportTampering();
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
