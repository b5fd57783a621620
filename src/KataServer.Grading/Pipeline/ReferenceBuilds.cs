using System.Collections.Concurrent;
using KataServer.Compilation;
using KataServer.Katas;
using KataServer.Testing;
using Microsoft.CodeAnalysis.CSharp;

namespace KataServer.Grading.Pipeline;

/// <summary>
/// Each kata's reference solution, built once per grader: its compilation is the contract a submission
/// is compared with, and its assemblies (with the tests compiled against it) are the yardstick of the
/// throughput measurement.
/// </summary>
public sealed class ReferenceBuilds(KataCompiler compiler)
{
    public sealed record Build(CSharpCompilation Contract, CompiledAssembly Submission, CompiledAssembly Tests);

    private readonly ConcurrentDictionary<(string Kata, string Reference, string Tests), Lazy<Build>> builds = new();

    public Build For(Kata kata) =>
        builds.GetOrAdd((kata.Id, kata.Reference.Text, string.Concat(kata.Tests.Select(t => t.Text))), _ => new Lazy<Build>(() => Compile(kata))).Value;

    /// <summary>Compiles the kata's hidden tests against a solution, checking it against the reference's public contract.</summary>
    public CompilationOutcome CompileTests(Kata kata, CompiledAssembly solution, CSharpCompilation? contract) =>
        compiler.CompileTests(
            kata.Tests.Select(t => new SourceFile(Path.Combine(kata.Id, t.Path), t.Text)).ToList(),
            solution,
            [typeof(Check).Assembly.Location],
            contractReference: contract);

    private Build Compile(Kata kata)
    {
        // Against the same trimmed reference set as the learner's code (a kata's policy.allow can widen it).
        var reference = compiler.CompileSubmission(kata.Reference.Text, Path.GetFileName(kata.Reference.Path),
            policy: KataServer.Compilation.Policy.ApiPolicy.FromManifest(kata.Manifest.Policy.Deny, kata.Manifest.Policy.Allow));
        if (!reference.Success) throw new InvalidOperationException($"the reference of kata {kata.Id} does not compile: {string.Join("; ", reference.Errors)}");
        var tests = CompileTests(kata, reference.Assembly!, contract: null);
        if (!tests.Success) throw new InvalidOperationException($"the tests of kata {kata.Id} do not compile against its reference: {string.Join("; ", tests.Errors)}");
        return new Build(reference.Compilation, reference.Assembly!, tests.Assembly!);
    }
}
