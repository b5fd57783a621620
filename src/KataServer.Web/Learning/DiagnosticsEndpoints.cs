using KataServer.Compilation;
using KataServer.Compilation.Policy;
using KataServer.Katas;
using KataServer.Platform.Grading;
using KataServer.Web.Infrastructure;
using KataServer.Web.Katas;
using KataServer.Web.Submissions;

namespace KataServer.Web.Learning;

/// <summary><c>POST /api/diagnostics</c>: the editor's squiggles, from the warm compiler and the kata's API policy (no code runs).</summary>
public static class DiagnosticsEndpoints
{
    public sealed record DiagnosticsRequest(string? Kata, string? Code);
    public sealed record Diagnostic(string Severity, string Id, string Message, int Line, int Column, int EndLine, int EndColumn, string Source);
    public sealed record DiagnosticsAnswer(IReadOnlyList<Diagnostic> Diagnostics);

    public static void MapDiagnosticsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/diagnostics", AnalyzeAsync).WithTags("Learning").RequireAuthorization().RequireRateLimiting(RateLimits.Diagnostics);

    private static Task<IResult> AnalyzeAsync(DiagnosticsRequest body, KataLibrary katas, GraderPool graders, CancellationToken cancellationToken) =>
        katas.Find(body.Kata) is { } kata ? AnalyzeKataAsync(kata, body, graders, cancellationToken) : Task.FromResult(KataEndpoints.UnknownKata(body.Kata));

    /// <summary>The squiggles for this kata as the caller got it (a screening pins a version of an authored kata).</summary>
    internal static async Task<IResult> AnalyzeKataAsync(Kata kata, DiagnosticsRequest body, GraderPool graders, CancellationToken cancellationToken)
    {
        if (body.Code is null) return Problems.BadRequest("\"code\" is required");
        if (System.Text.Encoding.UTF8.GetByteCount(body.Code) > SubmissionEndpoints.MaxCodeBytes)
            return Problems.TooLarge($"a solution is at most {SubmissionEndpoints.MaxCodeBytes / 1024} KiB");

        var policy = ApiPolicy.FromManifest(kata.Manifest.Policy.Deny, kata.Manifest.Policy.Allow);
        var found = await Task.Run(() => SubmissionAnalyzer.Analyze(graders.Compiler, body.Code, policy, GraderPool.SolutionFileName, cancellationToken), cancellationToken);
        var lines = body.Code.Split('\n');
        return Results.Ok(new DiagnosticsAnswer(found
            .Where(d => d.Severity != DiagnosticSeverityLevel.Info)
            .Select(d => ToDiagnostic(d, lines))
            .ToList()));
    }

    /// <summary>The analyzer gives a start; the squiggle covers the word that starts there (one character at least).</summary>
    internal static Diagnostic ToDiagnostic(CompilerDiagnostic d, string[] lines)
    {
        var line = Math.Max(1, d.Line);
        var column = Math.Max(1, d.Column);
        var text = line <= lines.Length ? lines[line - 1] : "";
        var end = column - 1;
        while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_')) end++;
        var endColumn = Math.Max(column + 1, end + 1);
        var source = d.Id.StartsWith(SubmissionAnalyzer.PolicyIdPrefix, StringComparison.Ordinal) ? "policy" : "compiler";
        var severity = d.Severity == DiagnosticSeverityLevel.Error ? "error" : "warning";
        return new Diagnostic(severity, d.Id, d.Message, line, column, line, endColumn, source);
    }
}
