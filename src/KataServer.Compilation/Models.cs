using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KataServer.Compilation;

/// <summary>One C# source file: a path (used in diagnostics, PDBs and stack traces) and its text.</summary>
public sealed record SourceFile(string Path, string Text);

/// <summary>An emitted assembly: IL image and its portable PDB.</summary>
public sealed record CompiledAssembly(string Name, byte[] Dll, byte[] Pdb);

public enum DiagnosticSeverityLevel
{
    Info,
    Warning,
    Error,
}

/// <summary>
/// A compiler (or contract) message. <see cref="Line"/> and <see cref="Column"/> are 1-based;
/// 0 means the message has no location the learner can see (e.g. a contract problem found
/// through hidden tests). <see cref="File"/> is null in that case.
/// </summary>
public sealed record CompilerDiagnostic(
    DiagnosticSeverityLevel Severity,
    string Id,
    string Message,
    string? File,
    int Line,
    int Column)
{
    public override string ToString() => File is null
        ? $"{Severity.ToString().ToLowerInvariant()} {Id}: {Message}"
        : $"{File}({Line},{Column}): {Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
}

/// <summary>The result of compiling a submission or a test suite.</summary>
public sealed record CompilationOutcome(
    bool Success,
    CompiledAssembly? Assembly,
    IReadOnlyList<CompilerDiagnostic> Diagnostics,
    CSharpCompilation Compilation,
    TimeSpan Elapsed)
{
    /// <summary>
    /// True when the learner file compiled on its own but the hidden tests did not compile against
    /// it: the diagnostics then describe the contract mismatch in learner terms.
    /// </summary>
    public bool IsContractMismatch { get; init; }

    /// <summary>
    /// Set when a learner file did not compile because it names APIs its policy does not allow (they are not
    /// in its trimmed reference set): the grader reports these as policy findings, not as compile errors.
    /// </summary>
    public IReadOnlyList<Policy.PolicyViolation> PolicyViolations { get; init; } = [];

    public IEnumerable<CompilerDiagnostic> Errors => Diagnostics.Where(d => d.Severity == DiagnosticSeverityLevel.Error);
}
