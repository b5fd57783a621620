using KataServer.Compilation.Policy;
using Microsoft.CodeAnalysis;

namespace KataServer.Compilation;

/// <summary>
/// Compiler diagnostics and policy violations of one learner file in one list, without emitting:
/// what an editor shows while the learner types, and what the pipeline shows before running anything.
/// </summary>
public static class SubmissionAnalyzer
{
    public const string PolicyIdPrefix = "KATA-POLICY-";

    public static IReadOnlyList<CompilerDiagnostic> Analyze(KataCompiler compiler, string source, ApiPolicy policy, string fileName = "Submission.cs", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(compiler);
        if (compiler.TooDeepBrackets(source, fileName) is { } brackets) return [brackets];
        var tree = compiler.Parse(source, fileName);
        if (SyntaxLimits.Check(tree, compiler.Options.MaxSyntaxDepth, compiler.Options.MaxLambdaDepth, cancellationToken) is { } tooDeep) return [tooDeep];
        var compilation = compiler.CreateSubmissionCompilation([tree], "Submission", policy);
        // Binding runs on the compiler's guarded thread, under its time limit.
        var result = compiler.RunGuarded<IReadOnlyList<CompilerDiagnostic>>(token =>
        {
            var raw = compilation.GetDiagnostics(token);
            // Names outside the trimmed reference set: say which rule refuses them rather than "does not exist".
            var (refused, explained) = compiler.ExplainTrimmedReferences(tree, "Submission", policy, raw, token);
            var compile = KataCompiler.ToDiagnostics(raw.Where(d => !explained.Contains(d)));
            var policyFindings = PolicyChecker.Check(compilation, policy, t => t.FilePath == fileName, token, compiler.Options.MaxSyntaxDepth, compiler.Options.MaxLambdaDepth)
                .Concat(refused)
                .DistinctBy(v => (v.Line, v.Symbol));
            return [.. compile.Where(d => d.Severity == DiagnosticSeverityLevel.Error), .. policyFindings.Select(ToDiagnostic), .. compile.Where(d => d.Severity != DiagnosticSeverityLevel.Error)];
        }, cancellationToken);
        return result ?? [new CompilerDiagnostic(DiagnosticSeverityLevel.Error, KataCompiler.CompileTimeoutId,
            $"Your code took longer than {compiler.Options.CompileTimeout.TotalSeconds:0} s to analyse, so it was stopped. Simplify deeply nested lambdas or generic calls.",
            null, 0, 0)];
    }

    public static CompilerDiagnostic ToDiagnostic(PolicyViolation v)
        => new(DiagnosticSeverityLevel.Error, PolicyIdPrefix + v.Rule.Id, v.Explained, v.File, v.Line, v.Column);
}
