using KataServer.Platform;
using KataServer.Platform.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Accounts;

/// <summary>
/// <c>users add EMAIL --role learner|instructor|admin</c> (password on stdin) and <c>tokens create EMAIL [--name NAME]</c>
/// (prints the token): work on the configured database without starting the server. Exit 0 done, 1 refused, 2 bad usage
/// or setting, 3 database unreachable.
/// </summary>
public static class AccountCommands
{
    private const string Usage = """
        usage:
          users add EMAIL --role learner|instructor|admin    (the password is read from stdin)
          tokens create EMAIL [--name NAME]                  (prints one API token)
        """;

    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "users" or "tokens";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await RunCommandAsync(args);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}\n{Usage}");
            return 2;
        }
        catch (PlatformStartupException e)
        {
            return e.Report();
        }
    }

    private static async Task<int> RunCommandAsync(string[] args)
    {
        var (positional, options) = Split(args);
        var command = string.Join(' ', positional.Take(2));
        if (command is not ("users add" or "tokens create"))
            throw new UsageException($"unknown command '{command}'");
        if (positional.Count != 3) throw new UsageException($"'{command}' takes exactly one EMAIL");
        var email = positional[2];
        if (!email.Contains('@')) throw new UsageException($"'{email}' is not an email address");

        using var host = BuildHost();
        await PlatformDatabase.MigrateAsync(host.Services);
        await AccountStore.EnsureRolesAsync(host.Services);
        using var scope = host.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();

        if (command == "users add")
        {
            var role = Only(options, "role") ?? throw new UsageException("--role is required (learner, instructor or admin)");
            if (!Roles.All.Contains(role)) throw new UsageException($"--role must be learner, instructor or admin (not '{role}')");
            Reject(options, "role");
            var password = ReadPassword();
            var (user, errors) = await AccountStore.CreateUserAsync(users, email, password, role, null);
            if (user is null)
            {
                await Console.Error.WriteLineAsync($"error: cannot add {email}: {string.Join(" ", errors.Select(e => e.Description))}");
                return 1;
            }

            Console.WriteLine($"added {email} ({role})");
            return 0;
        }

        var name = Only(options, "name");
        Reject(options, "name");
        var owner = await users.FindByEmailAsync(email);
        if (owner is null)
        {
            await Console.Error.WriteLineAsync($"error: no user {email} (add one with: users add {email} --role learner)");
            return 1;
        }

        var db = scope.ServiceProvider.GetRequiredService<PlatformDb>();
        var (row, secret) = ApiTokens.Create(owner.Id, name);
        db.ApiTokens.Add(row);
        await db.SaveChangesAsync();
        Console.WriteLine(secret);
        return 0;
    }

    private static IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder();
        // stdout carries the command's answer (the token): logs go to stderr, and only warnings.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Error);
        builder.Services.AddPlatformData(builder.Configuration);
        builder.Services.AddAccountStore();
        return builder.Build();
    }

    private static string ReadPassword()
    {
        if (!Console.IsInputRedirected) Console.Error.Write("password: ");
        var password = Console.In.ReadLine();
        if (string.IsNullOrEmpty(password)) throw new UsageException("no password on stdin (pipe it in: echo 'secret-password' | ...)");
        return password;
    }

    private static (List<string> Positional, Dictionary<string, List<string>> Options) Split(string[] args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) { positional.Add(args[i]); continue; }
            var name = args[i][2..];
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"--{name} needs a value");
            (options.TryGetValue(name, out var values) ? values : options[name] = []).Add(args[++i]);
        }

        return (positional, options);
    }

    private static string? Only(Dictionary<string, List<string>> options, string name) => options.TryGetValue(name, out var values)
        ? values.Count == 1 ? values[0] : throw new UsageException($"--{name} is given {values.Count} times")
        : null;

    private static void Reject(Dictionary<string, List<string>> options, string allowed)
    {
        var unknown = options.Keys.Where(k => k != allowed).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option --{unknown[0]}");
    }

    private sealed class UsageException(string message) : Exception(message);
}
