namespace KataServer.Web.Tests;

/// <summary>The grading-only host (`dotnet KataServer.Worker.dll`) as a child process.</summary>
public sealed class WorkerProcess(string dataDirectory, IDictionary<string, string>? settings = null)
    : HostProcess("KataServer.Worker", dataDirectory, settings)
{
    private System.Diagnostics.Process? process;

    public void Start() => process = Start([]);

    /// <summary>Waits for the worker to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try { await process!.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"the worker did not exit within {timeout}:\n{Log}"); }
        return process.ExitCode;
    }
}
