using KataServer.Platform;

namespace KataServer.Worker;

/// <summary>The worker's exit codes, for a supervisor (compose <c>restart: always</c>, systemd) and for scripts.</summary>
public static class WorkerExit
{
    public const int Stopped = 0;
    /// <summary>Settings that cannot work (no PostgreSQL connection string, Workers = 0, a bad setting).</summary>
    public const int Misconfigured = PlatformStartupException.Misconfigured;
    /// <summary>The PostgreSQL database cannot be reached or refuses this worker (a supervisor may try again later).</summary>
    public const int StorageUnavailable = PlatformStartupException.StorageUnavailable;
    /// <summary>No full sandbox and no opt-out (the same code as the web host).</summary>
    public const int NoSandbox = 4;
    /// <summary>A compile ran away (still burning a thread that cannot be stopped): finished its jobs, start a fresh process (EX_TEMPFAIL).</summary>
    public const int Recycle = 75;

    /// <summary>Null when this worker can join the others; otherwise why not.</summary>
    public static string? WhyNotScaled(PlatformOptions options) =>
        !options.IsScaled
            ? "KataServer.Worker grades from a PostgreSQL database shared with the web host: set ConnectionStrings__KataServer (Host=...;Database=...;Username=...;Password=...) here and on the web host. "
              + "On the embedded SQLite default the web host grades by itself (the SQLite job store is not safe for several processes)."
            : options.Workers == 0
                ? "KataServer__Workers=0: this worker would grade nothing (set 1 or more, the submissions it grades at once)"
                : null;
}
