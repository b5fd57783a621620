using KataServer.Compilation;
using KataServer.Rewriting;
using KataServer.Scheduling;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// Rewrites the learner's assembly and the kata tests so that their concurrency calls (and, in the
/// learner's code, reads and writes of shared memory) go through the schedule explorer.
/// </summary>
public static class Instrumentation
{
    private static readonly Lazy<InterceptionMap> Map = new(() => InterceptionMap.FromAssembly(typeof(ScheduleExplorer).Assembly));

    public sealed record Instrumented(CompiledAssembly Submission, CompiledAssembly Tests, IReadOnlyDictionary<string, int> UncontrolledApis);

    public static Instrumented Rewrite(CompiledAssembly submission, CompiledAssembly tests, string testingAssemblyDirectory)
    {
        var learner = AssemblyRewriter.Rewrite(submission.Dll, submission.Pdb, RewriteOptions.Learner, Map.Value);
        var kataTests = AssemblyRewriter.Rewrite(tests.Dll, tests.Pdb,
            RewriteOptions.KataTests with { ReferencedAssemblies = [submission.Dll], SearchDirectories = [testingAssemblyDirectory] },
            Map.Value);
        return new Instrumented(
            submission with { Dll = learner.Dll, Pdb = learner.Pdb ?? submission.Pdb },
            tests with { Dll = kataTests.Dll, Pdb = kataTests.Pdb ?? tests.Pdb },
            learner.Report.UncontrolledApis);
    }
}
