namespace KataServer.Web.Tests;

/// <summary>
/// A host whose database cannot be reached or written stops at once with one line naming the setting and what is wrong,
/// a non-zero exit code, and no stack trace (the real host processes).
/// </summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_web_host_with_postgresql_unreachable_says_so_in_one_line_and_exits_3()
    {
        var port = ServerProcess.FreePort(); // nothing listens there
        await using var web = new ServerProcess(Repository.TempDirectory("unreachable-web"), new Dictionary<string, string>
        {
            ["ConnectionStrings__KataServer"] = $"Host=127.0.0.1;Port={port};Database=kataserver;Username=kata;Password=s3cret-pw",
            ["KataServer__Workers"] = "0",
        });
        web.Launch();

        Assert.Equal(3, await web.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        var line = OneErrorLine(web.Log);
        Assert.Contains($"ConnectionStrings__KataServer: cannot reach PostgreSQL at 127.0.0.1:{port}", line);
        Assert.DoesNotContain("s3cret-pw", line);
    }

    [Fact]
    public async Task A_worker_with_postgresql_unreachable_says_so_in_one_line_and_exits_3()
    {
        var port = ServerProcess.FreePort();
        await using var worker = new WorkerProcess(Repository.TempDirectory("unreachable-worker"), new Dictionary<string, string>
        {
            ["ConnectionStrings__KataServer"] = $"Host=127.0.0.1;Port={port};Database=kataserver;Username=kata;Password=s3cret-pw",
        });
        worker.Start();

        Assert.Equal(3, await worker.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains($"ConnectionStrings__KataServer: cannot reach PostgreSQL at 127.0.0.1:{port}", OneErrorLine(worker.Log));
    }

    [Fact]
    public async Task A_data_folder_that_cannot_be_created_is_named_with_its_setting()
    {
        // Under a file no folder can be made, even by root (which chmod would not stop).
        var data = Repository.TempDirectory("datafile");
        var file = Path.Combine(data, "a-file");
        await File.WriteAllTextAsync(file, "");
        await using var web = new ServerProcess(data, new Dictionary<string, string> { ["KataServer__DataDirectory"] = Path.Combine(file, "data") });
        web.Launch();

        Assert.Equal(3, await web.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains($"KataServer__DataDirectory: cannot use the data folder {Path.Combine(file, "data")}", OneErrorLine(web.Log));
    }

    [Theory]
    [InlineData("kataserver.db", "the SQLite database")]
    [InlineData("jobs.db", "the SQLite job store")]
    public async Task An_sqlite_file_that_cannot_be_opened_is_named_with_its_setting(string file, string what)
    {
        var data = Repository.TempDirectory("dbfolder");
        Directory.CreateDirectory(Path.Combine(data, file)); // a folder where the database file should be
        await using var web = new ServerProcess(data);
        web.Launch();

        Assert.Equal(3, await web.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains($"KataServer__DataDirectory: cannot open {what} {Path.Combine(data, file)}", OneErrorLine(web.Log));
    }

    [Fact]
    public async Task A_setting_of_the_wrong_kind_is_named_and_exits_2()
    {
        await using var web = new ServerProcess(Repository.TempDirectory("badsetting"), new Dictionary<string, string> { ["KataServer__Workers"] = "two" });
        web.Launch();

        Assert.Equal(2, await web.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains("KataServer:Workers", OneErrorLine(web.Log));
    }

    /// <summary>The host's whole output is one line starting "error: " (no log noise, no stack trace); returns it.</summary>
    public static string OneErrorLine(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), "expected one error line, got:\n" + log);
        return lines[0];
    }
}

/// <summary>A real PostgreSQL server that refuses the host (a role it does not know): the same one line, exit 3.</summary>
[Collection("postgres")]
public sealed class RefusedByPostgresTests(PostgresCluster postgres)
{
    [Fact]
    public async Task A_web_host_refused_by_postgresql_names_the_setting_and_the_server_reason()
    {
        var database = await postgres.CreateDatabaseAsync();
        var unknownRole = new Npgsql.NpgsqlConnectionStringBuilder(database) { Username = "nobody_here" }.ConnectionString;
        await using var web = new ServerProcess(Repository.TempDirectory("refused-web"), new Dictionary<string, string>
        {
            ["ConnectionStrings__KataServer"] = unknownRole,
            ["KataServer__Workers"] = "0",
        });
        web.Launch();

        Assert.Equal(3, await web.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        var line = StartupFailureTests.OneErrorLine(web.Log);
        Assert.Contains("ConnectionStrings__KataServer: PostgreSQL at 127.0.0.1:", line);
        Assert.Contains("nobody_here", line);
    }
}
