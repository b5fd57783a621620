// kata-bench-coyote: the katas' mutants, each with the kata test that finds it, under the KataServer explorer and under
// Microsoft Coyote 1.7.11's test engine, in one run; prints a markdown table (README.md here; docs/benchmarks.md).
using KataServer.Bench.Coyote;
using KataServer.Bench.Coyote.Comparison;
using KataServer.Bench.Coyote.Coyote;
using KataServer.Bench.Coyote.Ours;
using KataServer.Grading.Pipeline;
using KataServer.Katas;

// The child process that runs Coyote's engine on one rewritten mutant (started by CoyoteSide).
if (args is ["coyote-child", var job]) return CoyoteChild.Run(job);

BenchOptions options;
KataCatalog catalog;
IReadOnlyList<(Kata Kata, LoadedMutant Mutant)> mutants;
string repositoryRoot;
try
{
    options = BenchOptions.Parse(args);
    var katasRoot = options.KatasRoot ?? KataCatalog.FindDefaultRoot() ?? throw new UsageException("no katas folder found: run from the repository or pass --katas DIR");
    catalog = KataCatalog.Load(katasRoot);
    mutants = options.Select(catalog);
    repositoryRoot = RepositoryRoot.Find(katasRoot);
}
catch (UsageException usage)
{
    if (usage.Message.Length > 0) Console.Error.WriteLine("error: " + usage.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return usage.Message.Length > 0 ? 2 : 0;
}

var work = options.WorkDirectory ?? Path.Combine(Path.GetTempPath(), "kata-bench-coyote-" + Environment.ProcessId);
Directory.CreateDirectory(work);
var loadBefore = Machine.LoadAverage();
var started = DateTime.UtcNow;

var runner = new ComparisonRunner(
    new ExplorerSide(new Grader(new GraderOptions())),
    new CoyoteSide(new CoyoteBuild(work, repositoryRoot), options.CoyoteTimeScale),
    options.Seeds,
    Console.Error);
var rows = await runner.RunAsync(mutants);
var rates = await runner.RunReferencesAsync(mutants.Select(m => m.Kata).Distinct().ToList(), rows);

Console.Out.WriteLine($"Measured {started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {loadBefore} before and {Machine.LoadAverage()} after; seeds 1..{options.Seeds}.");
Console.Out.WriteLine();
Console.Out.Write(ComparisonTable.Render(rows, options.Seeds));
Console.Out.WriteLine();
Console.Out.Write(ComparisonTable.RenderRates(rates));
if (options.WorkDirectory is null) Directory.Delete(work, recursive: true);
return 0;
