namespace KataServer.Platform;

/// <summary>
/// The settings shared by the web host and the worker host: section "KataServer" of the configuration,
/// so environment variables read <c>KataServer__DataDirectory</c>, <c>KataServer__Workers</c>, ...
/// (the names are fixed by PLATFORM.md). The database is <c>ConnectionStrings__KataServer</c>.
/// </summary>
public sealed class PlatformOptions
{
    public const string Section = "KataServer";

    /// <summary>Where the SQLite database and the SQLite job store live (created on start).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Submissions this process grades at once; 0 = no grading in this process.</summary>
    public int Workers { get; set; } = 1;

    /// <summary>The katas folder; the repository's <c>katas/</c> (found from the working or app directory) when empty.</summary>
    public string? KatasDirectory { get; set; }

    /// <summary>
    /// Grade without the full sandbox (bubblewrap). Only for development machines that cannot run it;
    /// passed to the grader's options (see <see cref="Grading.GraderPool"/>).
    /// </summary>
    public bool UnsafeSandbox { get; set; }

    /// <summary>
    /// Null when this host may grade; otherwise the one line saying why it must not (no full sandbox and no
    /// <see cref="UnsafeSandbox"/> opt-out) and how to fix it. A host with <see cref="Workers"/> = 0 grades nothing.
    /// </summary>
    public string? WhyGradingCannotStart(KataServer.Grading.Sandbox.SandboxCapabilities sandbox) =>
        Workers == 0 || UnsafeSandbox || sandbox.IsFullSandbox ? null
            : $"{sandbox.RefusalMessage} (or KataServer__Workers=0 to serve without grading; KataServer__UnsafeSandbox=true only on a trusted development machine)";

    /// <summary>Queued submissions (all users) above which a new one is answered 429.</summary>
    public int MaxQueueDepth { get; set; } = 200;

    /// <summary>Submissions one user may post per minute (any mode).</summary>
    public int SubmissionsPerMinute { get; set; } = 30;

    /// <summary>Diagnostics requests one user may make per minute (the editor calls it while typing).</summary>
    public int DiagnosticsPerMinute { get; set; } = 240;

    /// <summary>Budget scale of <c>run</c> mode (exploration only, against the kata's own budgets).</summary>
    public double RunBudgetScale { get; set; } = 0.1;

    /// <summary>Times a kata validation grades the reference (each must pass) before an authored kata may be published.</summary>
    public int ValidationReferenceRuns { get; set; } = 5;

    /// <summary>Gradings of one submission (first run plus retries after infrastructure failures) before it ends as error.</summary>
    public int MaxGradingAttempts { get; set; } = 3;

    /// <summary>Hangfire's invisibility timeout on SQLite: above the longest grade (that storage has no sliding timeout).</summary>
    public TimeSpan SqliteInvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How often the job stores poll their queues.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often every host looks for submissions whose grading job was lost (<see cref="Jobs.LostJobSweep"/>), and how long a
    /// submission must have been queued before it counts as lost.
    /// </summary>
    public TimeSpan LostJobSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a host asks the database whether a kata was published (on another web host): at most this long after a
    /// publish, every host offers the new version.
    /// </summary>
    public TimeSpan PublishedKataCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest one compile may take (null = the grader's default, 30 s). A compile past it is a runaway: a worker recycles itself.</summary>
    public TimeSpan? CompileTimeout { get; set; }

    /// <summary>Hangfire's invisibility timeout on PostgreSQL: sliding (kept fresh while a job runs), so short; a killed worker's job runs again this long after it died.</summary>
    public TimeSpan PostgresInvisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Hangfire.PostgreSql's long polling: an enqueue sends <c>NOTIFY</c> and idle workers wait in <c>LISTEN</c>, so a job starts
    /// at once instead of at the next queue poll. Turn it off behind a pooler that cannot LISTEN (PgBouncer in transaction mode).
    /// </summary>
    public bool PostgresLongPolling { get; set; } = true;

    /// <summary>
    /// The Npgsql connection string of scaled mode (<c>ConnectionStrings__KataServer</c>), or null on the embedded SQLite
    /// default. Not bound from the "KataServer" section: <see cref="PlatformServices.AddPlatformData"/> sets it.
    /// </summary>
    public string? PostgresConnection { get; private set; }

    public bool IsScaled => PostgresConnection is not null;

    /// <summary>
    /// Reads <c>ConnectionStrings__KataServer</c>: unset or empty = the SQLite default; otherwise it must be an Npgsql
    /// connection string naming a host, or the host stops with this message (a typo must not fall back to SQLite silently).
    /// </summary>
    public void UseConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString)) return;
        Npgsql.NpgsqlConnectionStringBuilder parsed;
        try { parsed = new Npgsql.NpgsqlConnectionStringBuilder(connectionString); }
        catch (ArgumentException e) { throw PlatformStartupException.Setting($"ConnectionStrings__KataServer is not an Npgsql connection string ({e.Message}); example: Host=db;Database=kataserver;Username=kata;Password=..."); }
        if (string.IsNullOrWhiteSpace(parsed.Host))
            throw PlatformStartupException.Setting("ConnectionStrings__KataServer names no PostgreSQL host (Host=...); unset it for the embedded SQLite default in " + SqliteDatabasePath);
        PostgresConnection = connectionString;
    }

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
    public string SqliteDatabasePath => Path.Combine(FullDataDirectory, "kataserver.db");
    public string SqliteJobStorePath => Path.Combine(FullDataDirectory, "jobs.db");
}
