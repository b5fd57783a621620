namespace KataServer.Cli.Commands;

public sealed class ListCommand : ICommand
{
    public string Usage => "list [--json]";
    public string Summary => "the katas, in learning-path order";

    public Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        args.ExpectAtMost(0);
        var catalog = CommandLine.LoadCatalog(args);
        if (args.Flag("json"))
        {
            var rows = catalog.Katas.Select(k => new { k.Id, k.Manifest.Order, k.Manifest.Title, k.Manifest.Difficulty, k.Manifest.Topics, k.Manifest.Summary });
            output.WriteLine(Json.Serialize(rows));
            return Task.FromResult(ExitCodes.Passed);
        }

        output.WriteLine("Learning path:");
        foreach (var kata in catalog.Katas)
        {
            var m = kata.Manifest;
            output.WriteLine($"{m.Order,3}. {kata.Id,-24} {m.Difficulty,-7} {m.Title}");
            output.WriteLine($"     {m.Summary} [{string.Join(", ", m.Topics)}]");
        }

        foreach (var problem in catalog.Problems) errors.WriteLine($"warning: skipped a malformed kata: {problem}");
        return Task.FromResult(ExitCodes.Passed);
    }
}
