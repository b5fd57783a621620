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
        if (SyntaxLimits.Check(tree, compiler.Options.MaxSyntaxDepth, cancellationToken) is { } tooDeep) return [tooDeep];
        var compilation = compiler.CreateCompilation([tree], "Submission");
        var compile = KataCompiler.ToDiagnostics(compilation.GetDiagnostics(cancellationToken));
        var policyFindings = PolicyChecker.Check(compilation, policy, t => t.FilePath == fileName, cancellationToken, compiler.Options.MaxSyntaxDepth);
        return [.. compile.Where(d => d.Severity == DiagnosticSeverityLevel.Error), .. policyFindings.Select(ToDiagnostic), .. compile.Where(d => d.Severity != DiagnosticSeverityLevel.Error)];
    }

    public static CompilerDiagnostic ToDiagnostic(PolicyViolation v)
        => new(DiagnosticSeverityLevel.Error, PolicyIdPrefix + v.Rule.Id, $"{v.Message} {v.Rule.Reason}", v.File, v.Line, v.Column);
}
