namespace KataServer.Cli.Commands;

public sealed class ShowCommand : ICommand
{
    public string Usage => "show <kata> [--starter] [--hints N]";
    public string Summary => "the kata's statement (and its starter code)";

    public Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        var kata = CommandLine.FindKata(CommandLine.LoadCatalog(args), args.Required(0, "kata id"));
        args.ExpectAtMost(1);
        var m = kata.Manifest;
        output.WriteLine($"# {m.Title}  ({kata.Id}, {m.Difficulty}, step {m.Order} of the path)");
        output.WriteLine();
        output.WriteLine(kata.Statement.TrimEnd());
        var hints = args.IntOption("hints") ?? 0;
        for (var i = 0; i < Math.Min(hints, m.Hints.Count); i++) output.WriteLine($"\nHint {i + 1}: {m.Hints[i]}");
        if (args.Flag("starter"))
        {
            output.WriteLine($"\n--- starter code ({kata.Starter.Path}) ---");
            output.WriteLine(kata.Starter.Text.TrimEnd());
        }

        return Task.FromResult(ExitCodes.Passed);
    }
}
