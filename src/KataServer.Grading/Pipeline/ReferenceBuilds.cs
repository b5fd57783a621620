using System.Collections.Concurrent;
using KataServer.Compilation;
using KataServer.Katas;
using KataServer.Testing;

namespace KataServer.Grading.Pipeline;

/// <summary>Each kata's reference solution and the tests compiled against it, built once per grader.</summary>
public sealed class ReferenceBuilds
{
    public sealed record Build(CompiledAssembly Submission, CompiledAssembly Tests);

    private readonly ConcurrentDictionary<(string Kata, string Text), Lazy<Build>> builds = new();

    public Build For(Kata kata, KataCompiler compiler) =>
        builds.GetOrAdd((kata.Id, kata.Reference.Text), _ => new Lazy<Build>(() => Compile(kata, compiler))).Value;

    /// <summary>Compiles the kata's hidden tests against a solution (the learner's or the reference).</summary>
    public static CompilationOutcome CompileTests(KataCompiler compiler, Kata kata, CompiledAssembly solution) =>
        compiler.CompileTests(
            kata.Tests.Select(t => new SourceFile(Path.Combine(kata.Id, t.Path), t.Text)).ToList(),
            solution,
            [typeof(Check).Assembly.Location]);

    private static Build Compile(Kata kata, KataCompiler compiler)
    {
        var reference = compiler.CompileSubmission(kata.Reference.Text, Path.GetFileName(kata.Reference.Path));
        if (!reference.Success) throw new InvalidOperationException($"the reference of kata {kata.Id} does not compile: {string.Join("; ", reference.Errors)}");
        var tests = CompileTests(compiler, kata, reference.Assembly!);
        if (!tests.Success) throw new InvalidOperationException($"the tests of kata {kata.Id} do not compile against its reference: {string.Join("; ", tests.Errors)}");
        return new Build(reference.Assembly!, tests.Assembly!);
    }
}
