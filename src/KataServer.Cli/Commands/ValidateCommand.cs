using KataServer.Grading.Pipeline;
using KataServer.Grading.Validation;

namespace KataServer.Cli.Commands;

public sealed class ValidateCommand : ICommand
{
    public string Usage => "validate [kata...] [--repeat N] [--exhaustive] [--json]";
    public string Summary => "prove each kata: starter fails, reference always passes, mutants fail as named";

    public async Task<int> RunAsync(Arguments args, TextWriter output, TextWriter errors)
    {
        var catalog = CommandLine.LoadCatalog(args);
        var exhaustive = args.Flag("exhaustive");
        var repeats = args.IntOption("repeat") ?? (exhaustive ? 50 : 20);
        var katas = args.Positional.Count == 0 ? catalog.Katas : args.Positional.Select(id => CommandLine.FindKata(catalog, id)).ToList();
        var validator = new KataValidator(new Grader(CommandLine.GraderOptions(args, exhaustive ? 4 : 1)));
        var json = args.Flag("json");
        var progress = new Progress<string>(line => { if (!json) errors.WriteLine($"  ... {line}"); });

        var results = new List<KataValidation>();
        foreach (var kata in katas)
        {
            var result = await validator.ValidateAsync(kata, repeats, progress);
            results.Add(result);
            if (json) continue;
            output.WriteLine($"{(result.Passed ? "ok  " : "FAIL")} {kata.Id}");
            foreach (var check in result.Checks) output.WriteLine($"       {(check.Passed ? "ok  " : "FAIL")} {check.Subject}: {check.Message}");
        }

        var malformed = args.Positional.Count == 0 ? catalog.Problems : [];
        if (json)
        {
            output.WriteLine(Json.Serialize(new
            {
                passed = results.All(r => r.Passed) && malformed.Count == 0,
                katas = results.Select(r => new { kata = r.Kata, r.Passed, checks = r.Checks.Select(c => new { c.Subject, c.Passed, c.Message }) }),
                malformed = malformed.Select(p => p.ToString()),
            }));
        }
        else
        {
            foreach (var problem in malformed) output.WriteLine($"FAIL malformed kata: {problem}");
            output.WriteLine($"{results.Count(r => r.Passed)} of {results.Count} katas valid{(malformed.Count > 0 ? $", {malformed.Count} problems in malformed katas" : "")}");
        }

        return results.All(r => r.Passed) && malformed.Count == 0 ? ExitCodes.Passed : ExitCodes.Failed;
    }
}
