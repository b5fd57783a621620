using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Hangfire;
using KataServer.Compilation;

namespace KataServer.Worker;

/// <summary>
/// Roslyn does not check cancellation everywhere: a compile that outlived its limit is abandoned by the grader (the
/// submission gets its compile-timeout verdict) but its thread may keep a core busy for hours, and a thread cannot be
/// aborted. The grader counts such compiles (<see cref="KataCompiler.RunawayCompilations"/>); when it is above zero this
/// worker stops taking jobs, lets the running grades finish (their results are stored) and exits with
/// <see cref="WorkerExit.Recycle"/> so its supervisor starts a fresh process.
/// </summary>
internal sealed class RecycleOnRunawayCompile(IHostApplicationLifetime lifetime, ILogger<RecycleOnRunawayCompile> log) : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a stopping worker waits for its running grades before Hangfire cancels them (they are then released and requeued).</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMinutes(2);

    /// <summary>Hangfire cancels running jobs after StopTimeout; the default (0) would cut off every grade at the first stop request.</summary>
    public static void LetRunningGradesFinish(BackgroundJobServerOptions server)
    {
        server.StopTimeout = GracePeriod - TimeSpan.FromSeconds(10);
        server.ShutdownTimeout = GracePeriod - TimeSpan.FromSeconds(5);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (KataCompiler.RunawayCompilations == 0) continue;
                log.LogWarning("a compile ran past its time limit and may still be running: finishing the running grades, then exiting with {Code} to be restarted", WorkerExit.Recycle);
                Environment.ExitCode = WorkerExit.Recycle;
                lifetime.StopApplication();
                return;
            }
        }
        catch (OperationCanceledException) { }
    }
}
