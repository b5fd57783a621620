using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KataServer.Platform;

/// <summary>
/// Meter <c>KataServer.Platform</c> (System.Diagnostics.Metrics; read with dotnet-counters or an OpenTelemetry exporter):
/// verdict counts, POST-to-result latency by verdict, gradings started, infrastructure failures.
/// </summary>
public static class PlatformMetrics
{
    public const string MeterName = "KataServer.Platform";
    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Verdicts = Meter.CreateCounter<long>("kataserver.submissions.finished", description: "submissions finished, by mode and verdict (error = gave up)");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("kataserver.submissions.latency", unit: "s", description: "from POST to the stored result, by mode and verdict");
    private static readonly Counter<long> Started = Meter.CreateCounter<long>("kataserver.gradings.started", description: "gradings started (retries included)");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("kataserver.gradings.failed", description: "gradings that ended in an infrastructure failure");

    public static void GradingStarted(string mode) => Started.Add(1, new KeyValuePair<string, object?>("mode", mode));

    public static void GradingFailed(string mode) => Failures.Add(1, new KeyValuePair<string, object?>("mode", mode));

    public static void Finished(string mode, string verdict, DateTime createdAt, DateTime finishedAt)
    {
        var tags = new TagList { { "mode", mode }, { "verdict", verdict } };
        Verdicts.Add(1, tags);
        Latency.Record((finishedAt - createdAt).TotalSeconds, tags);
    }
}
