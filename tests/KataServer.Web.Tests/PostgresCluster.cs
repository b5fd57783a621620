using System.Diagnostics;
using Npgsql;

namespace KataServer.Web.Tests;

/// <summary>
/// A private PostgreSQL cluster for this test run: initdb in a temp folder, listening on 127.0.0.1 on a free port,
/// stopped and deleted after the tests. Needs the server binaries (Debian: apt-get install postgresql; .ci/run does it).
/// Run as root, initdb and the server run as the `postgres` user (initdb refuses root). When PostgreSQL is missing or
/// does not start, every test using it FAILS with the reason: scaled mode is never silently untested.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private string folder = "";
    private string bin = "";
    private int port;

    public async Task InitializeAsync()
    {
        bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found (/usr/lib/postgresql/<version>/bin/initdb): the scaled-mode tests need them. "
            + "Install them with: apt-get install postgresql (.ci/run does so on a machine without them)");
        folder = Repository.TempDirectory("postgres");
        try
        {
            if (RunningAsRoot) await RunAsync("chown", ["postgres:postgres", folder], asPostgres: false);
            port = ServerProcess.FreePort();
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", DataFolder, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
            await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataFolder, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "120",
                "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c max_connections=200", "start"]);
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: leave no cluster folder behind.
            await DisposeAsync();
            throw;
        }
    }

    private string DataFolder => Path.Combine(folder, "data");

    // Timeout=60: the machine running the tests may be busy enough for a connect to take longer than Npgsql's 15 s.
    private string ConnectionString(string database) => $"Host=127.0.0.1;Port={port};Database={database};Username=postgres;Pooling=false;Timeout=60";

    /// <summary>A fresh empty database; returns its connection string (what ConnectionStrings__KataServer takes).</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "kataserver_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async Task DisposeAsync()
    {
        if (folder == "") return;
        try
        {
            if (File.Exists(Path.Combine(DataFolder, "postmaster.pid")))
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Repository.DeleteTempDirectory(folder);
            folder = "";
        }
    }

    private static bool RunningAsRoot => Environment.UserName == "root";

    private static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;

    private async Task RunAsync(string program, string[] args, bool asPostgres = true)
    {
        var start = new ProcessStartInfo(asPostgres && RunningAsRoot ? "runuser" : program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder,
        };
        if (asPostgres && RunningAsRoot)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program }) start.ArgumentList.Add(a);
        }

        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(folder, "server.log");
            throw new InvalidOperationException(
                $"PostgreSQL could not start for the scaled-mode tests: {Path.GetFileName(program)} exited with {process.ExitCode}\n{await output}\n{await errors}"
                + (File.Exists(log) ? "\nserver log:\n" + await File.ReadAllTextAsync(log) : ""));
        }
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>;
