using KataServer.Cli.Commands;

namespace KataServer.Cli;

/// <summary>The `kata` command: its commands, and one entry point that the process (Program.cs) and the tests call.</summary>
public static class KataProgram
{
    public static IReadOnlyDictionary<string, ICommand> Commands() => new Dictionary<string, ICommand>
    {
        ["list"] = new ListCommand(),
        ["show"] = new ShowCommand(),
        ["grade"] = new GradeCommand(),
        ["replay"] = new ReplayCommand(),
        ["validate"] = new ValidateCommand(),
        ["bench"] = new BenchCommand(),
        ["submit"] = new SubmitCommand(),
    };

    /// <summary>Runs `kata args...` writing to the given streams; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors) =>
        CommandLine.RunAsync(args, Commands(), output, errors);
}
