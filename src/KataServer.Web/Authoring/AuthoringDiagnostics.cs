using KataServer.Compilation;
using KataServer.Compilation.Policy;
using KataServer.Grading.Pipeline;
using KataServer.Katas;
using KataServer.Katas.Archives;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Web.Infrastructure;
using KataServer.Web.Learning;

namespace KataServer.Web.Authoring;

/// <summary>
/// <c>POST /api/authoring/katas/{id}/diagnostics</c> <c>{ "path", "code" }</c>: the authoring editor's squiggles for one
/// file of the draft, as the file would be with <c>code</c>. Solutions (starter, reference, mutants) get what learners
/// get (compiler and API policy); hidden tests are compiled against the draft's reference, as the grader compiles them;
/// the manifest is parsed. Nothing runs.
/// </summary>
public static class AuthoringDiagnostics
{
    public sealed record Request(string? Path, string? Code);

    public static async Task<IResult> AnalyzeAsync(string id, Request body, HttpContext http, PlatformDb db, GraderPool graders, CancellationToken cancellationToken)
    {
        var (kata, denied) = await AuthoringEndpoints.FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (body.Path is null || body.Code is null) return Problems.BadRequest("\"path\" and \"code\" are required");
        if (System.Text.Encoding.UTF8.GetByteCount(body.Code) > KataArchive.MaxFileBytes) return Problems.TooLarge($"a kata file is at most {KataArchive.MaxFileBytes / 1024} KiB");

        var files = KataArchive.Read(kata!.Draft);
        var lines = body.Code.Split('\n');
        if (body.Path == KataLoader.ManifestFileName) return Answer(ManifestProblems(body.Code));
        if (!body.Path.EndsWith(".cs", StringComparison.Ordinal)) return Answer([]);

        KataManifest manifest;
        try { manifest = KataLoader.ParseManifest(files.Text(KataLoader.ManifestFileName) ?? "{}", KataLoader.ManifestFileName); }
        catch (KataFormatException) { manifest = new KataManifest(); }
        var policy = ApiPolicy.FromManifest(manifest.Policy.Deny, manifest.Policy.Allow);

        if (!manifest.Tests.Contains(body.Path))
        {
            var found = await Task.Run(() => SubmissionAnalyzer.Analyze(graders.Compiler, body.Code, policy, Path.GetFileName(body.Path), cancellationToken), cancellationToken);
            return Answer(found.Where(d => d.Severity != DiagnosticSeverityLevel.Info).Select(d => DiagnosticsEndpoints.ToDiagnostic(d, lines)).ToList());
        }

        // A hidden test: compile every test file (this one as edited) against the draft's reference.
        var referenceText = files.Text(manifest.Reference) ?? "";
        var reference = await Task.Run(() => graders.Compiler.CompileSubmission(referenceText, Path.GetFileName(manifest.Reference), policy: policy), cancellationToken);
        if (!reference.Success)
            return Answer([new DiagnosticsEndpoints.Diagnostic("error", "KATA-REFERENCE", $"the reference ({manifest.Reference}) does not compile, so the tests cannot be checked: {reference.Diagnostics.FirstOrDefault()}", 1, 1, 1, 2, "compiler")]);

        var tests = manifest.Tests.Select(t => new SourceText(t, t == body.Path ? body.Code : files.Text(t) ?? "")).ToList();
        var draft = new Kata(manifest, $"draft:{id}", "", new SourceText(manifest.Starter, ""), new SourceText(manifest.Reference, referenceText), tests, []);
        var outcome = await Task.Run(() => new ReferenceBuilds(graders.Compiler).CompileTests(draft, reference.Assembly!, contract: null), cancellationToken);
        var file = Path.Combine(id, body.Path);
        return Answer(outcome.Diagnostics
            .Where(d => d.Severity != DiagnosticSeverityLevel.Info && d.File == file)
            .Select(d => DiagnosticsEndpoints.ToDiagnostic(d, lines)).ToList());
    }

    private static IReadOnlyList<DiagnosticsEndpoints.Diagnostic> ManifestProblems(string json)
    {
        try
        {
            KataLoader.ParseManifest(json, KataLoader.ManifestFileName);
            return [];
        }
        catch (KataFormatException e)
        {
            var message = e.Problems[0].Message;
            var line = System.Text.RegularExpressions.Regex.Match(message, @"^line (\d+):") is { Success: true } m ? int.Parse(m.Groups[1].Value) : 1;
            return [new DiagnosticsEndpoints.Diagnostic("error", "KATA-MANIFEST", e.Problems[0].Field is { } f ? $"{f}: {message}" : message, line, 1, line, 2, "compiler")];
        }
    }

    private static IResult Answer(IReadOnlyList<DiagnosticsEndpoints.Diagnostic> diagnostics) => Results.Ok(new DiagnosticsEndpoints.DiagnosticsAnswer(diagnostics));
}
