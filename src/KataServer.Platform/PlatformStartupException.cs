using Microsoft.Data.Sqlite;
using Npgsql;

namespace KataServer.Platform;

/// <summary>
/// A host cannot start: a setting is wrong, or the storage it names cannot be reached or written. The message is one
/// line naming the setting and what is wrong (never the password); a host prints it without a stack trace and exits with
/// <see cref="ExitCode"/>.
/// </summary>
public sealed class PlatformStartupException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A setting that cannot work (unparseable connection string, negative count, ...).</summary>
    public const int Misconfigured = 2;

    /// <summary>The database or the data folder cannot be reached or written (PostgreSQL down or refusing, folder not writable).</summary>
    public const int StorageUnavailable = 3;

    public int ExitCode { get; } = exitCode;

    public static PlatformStartupException Setting(string message) => new(Misconfigured, message);

    /// <summary>Prints the message on stderr and returns the exit code (for <c>return e.Report();</c> in a Program.cs).</summary>
    public int Report()
    {
        Console.Error.WriteLine($"error: {Message}");
        return ExitCode;
    }

    /// <summary>The one-line reason for a failure to open the configured storage, or null when <paramref name="e"/> is not one.</summary>
    public static PlatformStartupException? FromStorageFailure(Exception e, PlatformOptions options) => e switch
    {
        PlatformStartupException known => known,
        PostgresException refused => new(StorageUnavailable,
            $"ConnectionStrings__KataServer: PostgreSQL at {Where(options)} refused: {refused.MessageText} (SQLSTATE {refused.SqlState})", e),
        NpgsqlException or TimeoutException when options.IsScaled => new(StorageUnavailable,
            $"ConnectionStrings__KataServer: cannot reach PostgreSQL at {Where(options)}: {Reasons(e)}", e),
        SqliteException => new(StorageUnavailable,
            $"KataServer__DataDirectory: cannot open the SQLite database {options.SqliteDatabasePath} ({Reasons(e)}); the data folder must be a writable folder", e),
        SQLite.SQLiteException => new(StorageUnavailable,
            $"KataServer__DataDirectory: cannot open the SQLite job store {options.SqliteJobStorePath} ({Reasons(e)}); the data folder must be a writable folder", e),
        IOException or UnauthorizedAccessException => new(StorageUnavailable,
            $"KataServer__DataDirectory: cannot use the data folder {options.FullDataDirectory}: {Reasons(e)}", e),
        _ => null,
    };

    /// <summary>Host, port, database and user of the connection string: never its password.</summary>
    private static string Where(PlatformOptions options)
    {
        var cs = new NpgsqlConnectionStringBuilder(options.PostgresConnection);
        return $"{cs.Host}:{cs.Port} (database {cs.Database ?? cs.Username}, user {cs.Username})";
    }

    /// <summary>The messages of an exception and its causes, each said once ("Failed to connect to 127.0.0.1:5999: Connection refused").</summary>
    private static string Reasons(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            var text = x.Message.Trim().TrimEnd('.');
            if (text.Length > 0 && !messages.Any(m => m.Contains(text, StringComparison.Ordinal))) messages.Add(text);
        }

        return string.Join(": ", messages).ReplaceLineEndings(" ");
    }
}
