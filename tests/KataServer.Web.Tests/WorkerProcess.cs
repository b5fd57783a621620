namespace KataServer.Web.Tests;

/// <summary>The grading-only host (`dotnet KataServer.Worker.dll`) as a child process.</summary>
public sealed class WorkerProcess(string dataDirectory, IDictionary<string, string>? settings = null)
    : HostProcess("KataServer.Worker", dataDirectory, settings)
{
    public void Start() => Start([]);
}
