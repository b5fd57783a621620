namespace KataServer.Cli.Commands;

/// <summary>
/// The statement; or, alone so it can be saved or read on its own, the starter code (`--starter > bank.cs`)
/// or the first N hints (`--hints N`).
/// </summary>
public sealed class ShowCommand : ICommand
{
    public string Usage => "show <kata> [--starter | --hints N]";
    public string Summary => "the kata's statement; --starter: its starter code alone; --hints N: its first N hints alone";

    public Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        var kata = CommandLine.FindKata(CommandLine.LoadCatalog(args), args.Required(0, "kata id"));
        args.ExpectAtMost(1);
        var m = kata.Manifest;
        var hints = args.IntOption("hints");
        bool starter = args.Flag("starter");
        if (starter && hints is not null)
            throw new UsageException("--starter prints the code alone (to save it to a file); ask for --hints in a separate command");

        if (starter)
        {
            output.Write(WithFinalNewline(kata.Starter.Text));
        }
        else if (hints is int wanted)
        {
            if (wanted > m.Hints.Count)
                errors.WriteLine($"kata show: {kata.Id} has only {m.Hints.Count} hint{(m.Hints.Count == 1 ? "" : "s")}; showing all of them");
            for (var i = 0; i < Math.Min(wanted, m.Hints.Count); i++)
                output.WriteLine($"{(i == 0 ? "" : "\n")}Hint {i + 1} of {m.Hints.Count}: {m.Hints[i]}");
        }
        else
        {
            output.WriteLine($"# {m.Title}  ({kata.Id}, {m.Difficulty}, step {m.Order} of the path)");
            output.WriteLine();
            output.WriteLine(kata.Statement.TrimEnd());
            output.WriteLine();
            output.WriteLine($"Start from the starter code: kata show {kata.Id} --starter > {kata.Id}.cs");
            output.WriteLine($"Stuck? {m.Hints.Count} hint{(m.Hints.Count == 1 ? "" : "s")}, one at a time: kata show {kata.Id} --hints 1");
        }

        return Task.FromResult(ExitCodes.Passed);
    }

    private static string WithFinalNewline(string text) => text.TrimEnd() + "\n";
}
