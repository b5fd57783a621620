using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace KataServer.Web.Tests;

/// <summary>
/// The real web host as a child process (`dotnet KataServer.Web.dll`) on a free loopback port, with its own data
/// folder (a real SQLite database and job store, or the PostgreSQL database its settings name), and the account
/// commands run against the same database.
/// </summary>
public sealed class ServerProcess(string dataDirectory, IDictionary<string, string>? settings = null)
    : HostProcess("KataServer.Web", dataDirectory, settings)
{
    public int Port { get; } = FreePort();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public string DatabasePath => Path.Combine(DataDirectory, "kataserver.db");

    public static string WebDll => BuiltDll("KataServer.Web");

    public async Task StartAsync()
    {
        var process = Start("--urls", BaseAddress.ToString());

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"the server exited with {process.ExitCode}:\n{Log}");
            try
            {
                if ((await http.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }

        throw new TimeoutException($"the server did not answer /api/health within 120 s:\n{Log}");
    }

    /// <summary>Starts the host without waiting for it to answer (for a host expected to refuse: then <see cref="HostProcess.WaitForExitAsync"/>).</summary>
    public void Launch() => Start("--urls", BaseAddress.ToString());

    /// <summary>Runs `KataServer.Web ARGS` (the account commands) on this server's data folder.</summary>
    public async Task<(int ExitCode, string Output, string Errors)> RunCommandAsync(string? stdin, params string[] args)
    {
        var start = StartInfo(args);
        start.RedirectStandardInput = true;
        using var command = Process.Start(start)!;
        var output = command.StandardOutput.ReadToEndAsync();
        var errors = command.StandardError.ReadToEndAsync();
        if (stdin is not null) await command.StandardInput.WriteLineAsync(stdin);
        command.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await command.WaitForExitAsync(timeout.Token);
        return (command.ExitCode, (await output).Trim(), (await errors).Trim());
    }

    /// <summary>Adds a user by the command and returns an API token made by the other command.</summary>
    public async Task<string> AddUserWithTokenAsync(string email, string role)
    {
        var added = await RunCommandAsync("correct-horse-battery", "users", "add", email, "--role", role);
        Assert.True(added.ExitCode == 0, added.Errors);
        var token = await RunCommandAsync(null, "tokens", "create", email, "--name", "tests");
        Assert.True(token.ExitCode == 0, token.Errors);
        return token.Output;
    }

    public HttpClient Client(string? token = null)
    {
        // No cookie jar: a script's client (the cookie-and-antiforgery browser flow has its own test).
        var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(180) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A built host (`dotnet src/PROJECT/bin/.../PROJECT.dll`) as a child process with its own data folder and settings; its output is kept.</summary>
public abstract class HostProcess : IAsyncDisposable
{
    private readonly string project;
    private readonly Dictionary<string, string> settings;
    private readonly StringBuilder log = new();
    private Process? process;

    protected HostProcess(string project, string dataDirectory, IDictionary<string, string>? settings)
    {
        this.project = project;
        DataDirectory = dataDirectory;
        this.settings = new Dictionary<string, string>
        {
            ["KataServer__DataDirectory"] = dataDirectory,
            ["KataServer__KatasDirectory"] = Path.Combine(Repository.Root, "katas"),
            // Grading here runs beside other test suites on a small machine: CPU-starved bwrap can be slow, not broken.
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) this.settings[key] = value;
    }

    public string DataDirectory { get; }
    public string Log { get { lock (log) return log.ToString(); } }
    public int? ProcessId => process?.Id;

    /// <summary>The host's build output beside the tests' (bin/&lt;Configuration&gt;/net10.0 of its own project).</summary>
    public static string BuiltDll(string project)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(Repository.Root, "src", project, "bin", configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build src/{project} first", dll);
    }

    protected Process Start(params string[] args)
    {
        process = Process.Start(StartInfo(args))!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Waits for the host to exit by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var running = process ?? throw new InvalidOperationException("the host was not started");
        using var cancel = new CancellationTokenSource(timeout);
        try { await running.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"{project} did not exit within {timeout}:\n{Log}"); }
        running.WaitForExit(); // the rest of its output
        return running.ExitCode;
    }

    /// <summary>kill -9: no shutdown, no cleanup.</summary>
    public void Kill()
    {
        if (process is { HasExited: false }) process.Kill(entireProcessTree: false);
        process?.WaitForExit();
        process = null;
    }

    protected ProcessStartInfo StartInfo(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = DataDirectory };
        start.ArgumentList.Add(BuiltDll(project));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in settings) start.Environment[key] = value;
        start.Environment.Remove("ASPNETCORE_URLS");
        return start;
    }

    /// <summary>Kills the host and deletes its data folder (a temp folder the test made), also when the test failed.</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        GC.SuppressFinalize(this);
        Repository.DeleteTempDirectory(DataDirectory);
        return ValueTask.CompletedTask;
    }
}

public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KataServer.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("the tests run inside the repository (KataServer.sln not found above " + AppContext.BaseDirectory + ")");
    }

    public static string TempDirectory(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"kataserver-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Deletes a folder made by <see cref="TempDirectory"/> (and nothing else); gone already is fine.</summary>
    public static void DeleteTempDirectory(string dir)
    {
        var temp = Path.GetFullPath(Path.GetTempPath());
        if (!Path.GetFullPath(dir).StartsWith(Path.Combine(temp, "kataserver-"), StringComparison.Ordinal)) return;
        try { Directory.Delete(dir, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
