using KataServer.Katas;

namespace KataServer.Cli;

public interface ICommand
{
    string Usage { get; }
    string Summary { get; }
    Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors);
}

public static class ExitCodes
{
    public const int Passed = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    /// <summary>The grader itself failed (not the learner's code): a bug to report.</summary>
    public const int InternalError = 3;
    /// <summary>Nothing was graded: the machine lacks the full sandbox (the message says what to install).</summary>
    public const int SandboxUnavailable = 4;
}

/// <summary>Thrown for a mistake in how the command was called: the message is shown with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

public static class CommandLine
{
    public static async Task<int> RunAsync(string[] argv, IReadOnlyDictionary<string, ICommand> commands, TextWriter output, TextWriter errors)
    {
        if (argv.Length == 0 || argv[0] is "-h" or "--help" or "help")
        {
            PrintHelp(output, commands);
            return argv.Length == 0 ? ExitCodes.BadInput : ExitCodes.Passed;
        }

        // --json promises exactly one JSON object on stdout, a refusal included.
        bool json = argv.Contains("--json");
        if (!commands.TryGetValue(argv[0], out var command))
        {
            return Refuse($"kata: unknown command '{argv[0]}'. Commands: {string.Join(", ", commands.Keys)}", null, ExitCodes.BadInput);
        }

        try
        {
            var args = Arguments.Parse(argv.Skip(1));
            if (args.Flag("help")) { output.WriteLine($"usage: kata {command.Usage}\n{command.Summary}"); return ExitCodes.Passed; }
            return await command.RunAsync(args, output, errors);
        }
        catch (UsageException e)
        {
            return Refuse($"kata {argv[0]}: {e.Message}", $"kata {command.Usage}", ExitCodes.BadInput);
        }
        catch (KataServer.Grading.Sandbox.SandboxUnavailableException e)
        {
            errors.WriteLine($"kata {argv[0]}: {e.Message}");
            return ExitCodes.SandboxUnavailable;
        }
        catch (KataFormatException e)
        {
            return Refuse($"kata {argv[0]}: a kata is malformed:\n" + string.Join("\n", e.Problems.Select(p => $"  {p}")), null, ExitCodes.BadInput);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            errors.WriteLine($"kata {argv[0]}: internal error (not caused by the solution): {e}");
            if (json) output.WriteLine(Json.Serialize(new CommandError("internal", $"internal error (not caused by the solution): {e.Message}", null, ExitCodes.InternalError)));
            return ExitCodes.InternalError;
        }

        int Refuse(string message, string? usage, int exitCode)
        {
            errors.WriteLine(message);
            if (usage is not null) errors.WriteLine($"usage: {usage}");
            if (json) output.WriteLine(Json.Serialize(new CommandError("usage", message, usage, exitCode)));
            return exitCode;
        }
    }

    /// <summary>What `--json` prints on stdout when the command is refused or fails: one object, like a report.</summary>
    private sealed record CommandError(string Error, string Message, string? Usage, int ExitCode);

    private static void PrintHelp(TextWriter output, IReadOnlyDictionary<string, ICommand> commands)
    {
        output.WriteLine("kata: grade concurrent C# katas\n\nusage:");
        foreach (var command in commands.Values) output.WriteLine($"  kata {command.Usage,-58} {command.Summary}");
        output.WriteLine("\nKatas are read from the repository's katas/ (or $KATA_HOME/katas, or --katas DIR, or the ones the installed tool shipped with).");
    }

    /// <summary>Whether a command may redraw a live progress line on <paramref name="errors"/>: only on the process's own terminal.</summary>
    public static bool IsTerminal(TextWriter errors) => ReferenceEquals(errors, Console.Error) && !Console.IsErrorRedirected;

    /// <summary>The grader's options from the command line: --unsafe-sandbox allows grading without the full sandbox.</summary>
    public static KataServer.Grading.Pipeline.GraderOptions GraderOptions(Arguments args, double budgetScale = 1) =>
        new() { UnsafeSandbox = args.Flag("unsafe-sandbox"), BudgetScale = budgetScale };

    /// <summary>The kata catalog named by --katas, $KATA_HOME, or the repository this runs from.</summary>
    public static KataCatalog LoadCatalog(Arguments args)
    {
        var root = args.Option("katas") ?? KataCatalog.FindDefaultRoot()
            ?? throw new UsageException("no katas folder found: run from the repository or pass --katas DIR");
        return KataCatalog.Load(root);
    }

    /// <param name="next">The argument after the kata id, to recognise a file and a kata given the wrong way round.</param>
    public static Kata FindKata(KataCatalog catalog, string id, string? next = null)
    {
        if (catalog.TryGet(id, out var kata)) return kata;
        if (id.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) || File.Exists(id))
        {
            var example = next is not null && catalog.TryGet(next, out _) ? $"{next} {id}" : $"<kata> {id}";
            throw new UsageException($"'{id}' is a file, not a kata: put the kata first, then the file ({example})");
        }

        var broken = catalog.Problems.FirstOrDefault(p => p.File.Contains($"/{id}/", StringComparison.Ordinal));
        if (broken is not null) throw new KataFormatException(catalog.Problems.Where(p => p.File.Contains($"/{id}/", StringComparison.Ordinal)).ToList());
        var known = string.Join(", ", catalog.Katas.Select(k => k.Id));
        throw new UsageException($"unknown kata '{id}'. Known katas: {known}");
    }
}

/// <summary>Positional arguments, --flags and --name value options.</summary>
public sealed class Arguments
{
    private static readonly HashSet<string> ValueOptions = ["katas", "mode", "seed", "strategy", "repeat", "test", "kata", "schedules", "hints", "server", "token"];
    private readonly List<string> positional = [];
    private readonly Dictionary<string, string> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> flags = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Positional => positional;

    public static Arguments Parse(IEnumerable<string> argv)
    {
        var result = new Arguments();
        using var e = argv.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--") { result.positional.Add(arg); continue; }
            var name = arg[2..];
            var eq = name.IndexOf('=');
            if (eq > 0) { result.options[name[..eq]] = name[(eq + 1)..]; continue; }
            if (ValueOptions.Contains(name))
            {
                if (!e.MoveNext()) throw new UsageException($"--{name} needs a value");
                result.options[name] = e.Current;
            }
            else result.flags.Add(name);
        }

        return result;
    }

    public string? Option(string name) => options.GetValueOrDefault(name);

    public bool Flag(string name) => flags.Contains(name);

    public string Required(int index, string what) =>
        index < positional.Count ? positional[index] : throw new UsageException($"missing {what}");

    public void ExpectAtMost(int count)
    {
        if (positional.Count > count) throw new UsageException($"unexpected argument '{positional[count]}'");
        var unknown = flags.FirstOrDefault(f => f is not ("json" or "help" or "exhaustive" or "verbose" or "starter" or "unsafe-sandbox"));
        if (unknown is not null) throw new UsageException($"unknown option --{unknown}");
    }

    public int? IntOption(string name)
    {
        var text = Option(name);
        if (text is null) return null;
        return int.TryParse(text, out var value) && value > 0 ? value : throw new UsageException($"--{name} must be a positive whole number");
    }

    public ulong? SeedOption()
    {
        var text = Option("seed");
        if (text is null) return null;
        return ulong.TryParse(text, out var value) ? value : throw new UsageException("--seed must be a whole number ≥ 0");
    }
}
