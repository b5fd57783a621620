using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hangfire;
using KataServer.Katas;
using KataServer.Katas.Archives;
using KataServer.Platform.Authoring;
using KataServer.Platform.Data;
using KataServer.Platform.Data.Authoring;
using KataServer.Platform.Grading;
using KataServer.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Authoring;

/// <summary>
/// Kata authoring for instructors (and admins): create from the template, copy a built-in or authored kata, import and
/// export the <c>katas/&lt;id&gt;/</c> folder as a zip, edit the draft's files, validate it as a job, publish versions.
/// Every answer here holds hidden parts (tests, reference, mutants), so only the kata's author and admins get them;
/// learners get 403 from every endpoint. Built-in katas are read-only (copy one to edit it).
/// </summary>
public static partial class AuthoringEndpoints
{
    public sealed record CreateRequest(string? Id, string? From);
    public sealed record SaveRequest(Dictionary<string, string?>? Files, int? Revision);
    public sealed record KataItem(string Id, string Title, int DraftRevision, int? ValidatedRevision, int LatestVersion, DateTime DraftSavedAt, DateTime? ArchivedAt);
    public sealed record Removed(string Id, string Outcome, string Detail);
    public sealed record VersionItem(int Version, DateTime PublishedAt);
    public sealed record ValidationView(Guid Id, int DraftRevision, string Status, string Stage, int Done, int Total, bool? Passed,
        JsonElement? Report, string? Error, DateTime CreatedAt, DateTime? FinishedAt);
    public sealed record AuthoredKataView(string Id, string Title, bool ReadOnly, int DraftRevision, int? ValidatedRevision, int LatestVersion,
        bool CanPublish, string? CopiedFrom, IReadOnlyDictionary<string, string> Files, IReadOnlyList<string> Problems,
        IReadOnlyList<VersionItem> Versions, ValidationView? LastValidation, DateTime? ArchivedAt, DraftRulesView Rules);
    /// <summary>What the browser's file and manifest forms offer: the allowed folders and extensions, the finding kinds, the size limit.</summary>
    public sealed record DraftRulesView(IReadOnlyList<string> Folders, IReadOnlyList<string> Extensions, IReadOnlyList<string> FindingKinds, int MaxFileBytes);

    private static readonly DraftRulesView Rules = new(DraftFileRules.Folders, DraftFileRules.Extensions,
        KataServer.Testing.FindingKindNames.All.Order(StringComparer.Ordinal).ToList(), KataArchive.MaxFileBytes);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    public static void MapAuthoringEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/authoring/katas").WithTags("Authoring")
            .RequireAuthorization(policy => policy.RequireRole(Roles.Instructor, Roles.Admin));
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPost("/import", ImportAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPut("/{id}/files", SaveAsync);
        group.MapGet("/{id}/export", ExportAsync);
        group.MapPost("/{id}/diagnostics", AuthoringDiagnostics.AnalyzeAsync);
        group.MapPost("/{id}/validations", ValidateAsync);
        group.MapGet("/{id}/validations/{validationId:guid}", GetValidationAsync);
        group.MapPost("/{id}/publish", PublishAsync);
        group.MapDelete("/{id}", DeleteAsync);
        group.MapPost("/{id}/restore", RestoreAsync);
        group.MapKataAuthorEndpoints();
    }

    private static async Task<IResult> ListAsync(HttpContext http, PlatformDb db)
    {
        var mine = await Owned(db, http).AsNoTracking().OrderBy(k => k.Id).ToListAsync();
        return Results.Ok(mine.Select(k => new KataItem(k.Id, TitleOf(k.Draft, k.Id), k.DraftRevision, k.ValidatedRevision, k.LatestVersion, k.DraftSavedAt, k.ArchivedAt)));
    }

    private static async Task<IResult> CreateAsync(CreateRequest body, HttpContext http, PlatformDb db, KataLibrary library)
    {
        if (string.IsNullOrWhiteSpace(body.Id) || body.Id.Length > 60 || !IdPattern().IsMatch(body.Id))
            return Problems.BadRequest("\"id\" must be lowercase words joined by '-' (at most 60 characters), e.g. \"my-counter\"");
        if (await IdTakenAsync(body.Id, db, library)) return IdTaken(body.Id);

        KataFiles files;
        if (string.IsNullOrEmpty(body.From)) files = KataTemplate.Files(body.Id);
        else if (library.IsBuiltIn(body.From)) files = WithId(KataFiles.FromFolder(library.Find(body.From)!.Directory), body.Id);
        else
        {
            var source = await db.AuthoredKatas.AsNoTracking().SingleOrDefaultAsync(k => k.Id == body.From);
            if (source is null) return Problems.NotFound($"there is no kata '{body.From}' to copy");
            if (!await MayAuthorAsync(http, source, db)) return Forbidden(body.From);
            files = WithId(KataArchive.Read(source.Draft), body.Id);
        }

        var kata = await AddAsync(db, http, body.Id, files, body.From);
        return Results.Created($"/api/authoring/katas/{kata.Id}", await ViewAsync(db, kata, library));
    }

    /// <summary>The request body is the zip itself. Without <c>?id=</c> the manifest's id is used; with it, they must agree.</summary>
    private static async Task<IResult> ImportAsync(string? id, HttpContext http, PlatformDb db, KataLibrary library)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        KataFiles files;
        Kata kata;
        try { (files, kata) = KataArchive.Import(buffer.ToArray(), string.IsNullOrEmpty(id) ? null : id); }
        catch (KataArchiveException e) { return Problems.Problem(StatusCodes.Status400BadRequest, "Not an acceptable kata zip", e.Message); }
        catch (KataFormatException e) { return FormatProblem(e); }
        if (DraftFileRules.WhyRefused(files) is { } refused) return Problems.Problem(StatusCodes.Status400BadRequest, "Not an acceptable kata zip", refused);

        if (library.IsBuiltIn(kata.Id)) return BuiltInReadOnly(kata.Id);
        var existing = await db.AuthoredKatas.SingleOrDefaultAsync(k => k.Id == kata.Id);
        if (existing is null) existing = await AddAsync(db, http, kata.Id, files, copiedFrom: null);
        else
        {
            if (!await MayAuthorAsync(http, existing, db)) return Forbidden(kata.Id);
            if (existing.ArchivedAt is not null) return Archived(existing);
            SetDraft(existing, files);
            await db.SaveChangesAsync();
        }

        return Results.Ok(await ViewAsync(db, existing, library));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, PlatformDb db, KataLibrary library)
    {
        if (library.IsBuiltIn(id))
        {
            var builtIn = library.Find(id)!;
            var files = KataFiles.FromFolder(builtIn.Directory);
            return Results.Ok(new AuthoredKataView(id, builtIn.Manifest.Title, ReadOnly: true, 0, null, 0, false, null, TextsOf(files), [], [], null, null, Rules));
        }

        var (kata, denied) = await FindAsync(id, http, db);
        return denied ?? Results.Ok(await ViewAsync(db, kata!, library));
    }

    private static async Task<IResult> SaveAsync(string id, SaveRequest body, HttpContext http, PlatformDb db, KataLibrary library)
    {
        if (library.IsBuiltIn(id)) return BuiltInReadOnly(id);
        var (kata, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (kata!.ArchivedAt is not null) return Archived(kata);
        if (body.Files is null || body.Files.Count == 0) return Problems.BadRequest("\"files\" is required: every file of the kata, by path");
        if (body.Revision is { } revision && revision != kata!.DraftRevision)
            return Problems.Problem(StatusCodes.Status409Conflict, "The draft changed",
                $"you edited revision {revision}, but the draft is at revision {kata.DraftRevision} (saved elsewhere): reload it");
        if (body.Files.Count > KataArchive.MaxEntries) return Problems.BadRequest($"a kata has at most {KataArchive.MaxEntries} files");

        var entries = new List<KeyValuePair<string, byte[]>>();
        foreach (var (path, text) in body.Files)
        {
            if (DraftFileRules.WhyRefused(path) is { } refused) return Problems.BadRequest(refused);
            if (text is null) continue; // a removed file
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            if (bytes.Length > KataArchive.MaxFileBytes) return Problems.TooLarge($"'{path}' is {bytes.Length / 1024} KiB; a kata file is at most {KataArchive.MaxFileBytes / 1024} KiB");
            entries.Add(KeyValuePair.Create(path, bytes));
        }

        var duplicate = entries.GroupBy(e => e.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) return Problems.BadRequest($"'{duplicate.Key}' is given twice (paths are compared ignoring case)");
        var files = new KataFiles(entries);
        if (DraftFileRules.WhyRefused(files) is { } whole) return Problems.BadRequest(whole);
        SetDraft(kata!, files);
        await db.SaveChangesAsync();
        return Results.Ok(await ViewAsync(db, kata!, library));
    }

    private static async Task<IResult> ExportAsync(string id, int? version, HttpContext http, PlatformDb db, KataLibrary library)
    {
        if (library.IsBuiltIn(id)) return Results.File(KataArchive.Export(KataFiles.FromFolder(library.Find(id)!.Directory), id), "application/zip", $"{id}.zip");
        var (kata, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        var files = kata!.Draft;
        if (version is not null)
        {
            var row = await db.AuthoredKataVersions.AsNoTracking().SingleOrDefaultAsync(v => v.KataId == id && v.Version == version);
            if (row is null) return Problems.NotFound($"'{id}' has no version {version}");
            files = row.Files;
        }

        return Results.File(files, "application/zip", version is null ? $"{id}.zip" : $"{id}-v{version}.zip");
    }

    private static async Task<IResult> ValidateAsync(string id, HttpContext http, PlatformDb db, IBackgroundJobClient jobs, CancellationToken cancellationToken)
    {
        var (kata, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (kata!.ArchivedAt is not null) return Archived(kata);
        try { KataLoader.Load(KataArchive.Read(kata!.Draft), id, $"draft:{id}"); }
        catch (KataFormatException e) { return FormatProblem(e); }

        var run = await ValidateKataJob.EnqueueAsync(db, jobs, kata, http.User.RequiredUserId(), cancellationToken);
        return Results.Accepted($"/api/authoring/katas/{id}/validations/{run.Id}", View(run));
    }

    private static async Task<IResult> GetValidationAsync(string id, Guid validationId, HttpContext http, PlatformDb db)
    {
        var (_, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        var run = await db.KataValidations.AsNoTracking().SingleOrDefaultAsync(v => v.Id == validationId && v.KataId == id);
        return run is null ? Problems.NotFound($"'{id}' has no validation {validationId}") : Results.Ok(View(run));
    }

    private static async Task<IResult> PublishAsync(string id, HttpContext http, PlatformDb db, KataLibrary library)
    {
        var (kata, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (kata!.ArchivedAt is not null) return Archived(kata);
        if (kata.ValidatedRevision != kata.DraftRevision)
        {
            var last = await db.KataValidations.AsNoTracking().Where(v => v.KataId == id && v.DraftRevision == kata.DraftRevision)
                .OrderByDescending(v => v.CreatedAt).FirstOrDefaultAsync();
            return Problems.Problem(StatusCodes.Status409Conflict, "Not validated", WhyNotPublishable(kata, last));
        }

        var loaded = KataLoader.Load(KataArchive.Read(kata.Draft), id, $"authored:{id}@{kata.LatestVersion + 1}");
        var validation = await db.KataValidations.AsNoTracking().Where(v => v.KataId == id && v.DraftRevision == kata.DraftRevision && v.Passed == true)
            .OrderByDescending(v => v.CreatedAt).FirstAsync();
        kata.LatestVersion++;
        db.AuthoredKataVersions.Add(new AuthoredKataVersion
        {
            KataId = id, Version = kata.LatestVersion, Files = kata.Draft, ValidationId = validation.Id,
            PublishedBy = http.User.RequiredUserId(), PublishedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
        library.Published(id, kata.LatestVersion, loaded);
        return Results.Ok(await ViewAsync(db, kata, library));
    }

    /// <summary>
    /// A kata never published is deleted with its drafts and validations: nobody but its authors ever saw it. A published
    /// one is archived instead: learners no longer see it or submit to it, but its versions stay, so every submission
    /// made against them keeps its code, report and version readable (and regradable), and its id stays taken so a
    /// new kata cannot pass for it in those submissions and cohort pages. Archiving is undone by restore.
    /// </summary>
    private static async Task<IResult> DeleteAsync(string id, HttpContext http, PlatformDb db, KataLibrary library)
    {
        if (library.IsBuiltIn(id)) return BuiltInReadOnly(id);
        var (kata, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (!Owns(http, kata!)) return OwnerOnly(id);
        if (kata!.LatestVersion == 0)
        {
            db.AuthoredKatas.Remove(kata);
            await db.SaveChangesAsync();
            return Results.Ok(new Removed(id, "deleted", $"'{id}' was never published: its drafts and validations are deleted"));
        }

        kata.ArchivedAt ??= DateTime.UtcNow;
        await db.SaveChangesAsync();
        library.Withdrawn(id);
        return Results.Ok(new Removed(id, "archived",
            $"'{id}' has published versions, so it is archived, not deleted: learners no longer see it, and the submissions made against its {kata.LatestVersion} version(s) stay readable"));
    }

    private static async Task<IResult> RestoreAsync(string id, HttpContext http, PlatformDb db, KataLibrary library)
    {
        var (kata, denied) = await FindAsync(id, http, db);
        if (denied is not null) return denied;
        if (kata!.ArchivedAt is null) return Results.Ok(await ViewAsync(db, kata, library));
        kata.ArchivedAt = null;
        await db.SaveChangesAsync();
        var latest = await db.AuthoredKataVersions.AsNoTracking().SingleAsync(v => v.KataId == id && v.Version == kata.LatestVersion);
        library.Published(id, latest.Version, KataLibrary.LoadVersion(id, latest.Version, latest.Files));
        return Results.Ok(await ViewAsync(db, kata, library));
    }

    /// <summary>Names what is missing: no validation yet, one still running, or the checks and mutants that failed.</summary>
    public static string WhyNotPublishable(AuthoredKata kata, KataValidationRun? last)
    {
        var prefix = $"revision {kata.DraftRevision} of '{kata.Id}' has not passed validation";
        if (last is null) return $"{prefix}: validate it first (POST /api/authoring/katas/{kata.Id}/validations)";
        if (last.Status is ValidationStatus.Queued or ValidationStatus.Running) return $"{prefix} yet: its validation is {last.Status}";
        if (last.Error is not null) return $"{prefix}: {last.Error}";
        var report = last.ReportJson is null ? null : JsonSerializer.Deserialize<ValidationReport>(last.ReportJson, ValidateKataJob.Json);
        var failed = report?.Checks.Where(c => !c.Passed).Select(c => $"{c.Subject}: {c.Message}").ToList() ?? [];
        return failed.Count == 0 ? $"{prefix}." : $"{prefix}: {string.Join("; ", failed)}";
    }

    // ---- helpers ----

    private static IQueryable<AuthoredKata> Owned(PlatformDb db, HttpContext http)
    {
        var userId = http.User.RequiredUserId();
        return http.User.IsInRole(Roles.Admin)
            ? db.AuthoredKatas
            : db.AuthoredKatas.Where(k => k.OwnerId == userId || db.AuthoredKataAuthors.Any(a => a.KataId == k.Id && a.UserId == userId));
    }

    /// <summary>The kata's owner, its co-authors and admins: the only ones who see its hidden parts.</summary>
    public static async Task<bool> MayAuthorAsync(HttpContext http, AuthoredKata kata, PlatformDb db)
    {
        var userId = http.User.UserId();
        return kata.OwnerId == userId || http.User.IsInRole(Roles.Admin)
            || (userId is not null && await db.AuthoredKataAuthors.AnyAsync(a => a.KataId == kata.Id && a.UserId == userId));
    }

    /// <summary>The owner and admins: who may add or remove authors and delete the kata.</summary>
    public static bool Owns(HttpContext http, AuthoredKata kata) => kata.OwnerId == http.User.UserId() || http.User.IsInRole(Roles.Admin);

    internal static async Task<(AuthoredKata? Kata, IResult? Denied)> FindAsync(string id, HttpContext http, PlatformDb db)
    {
        var kata = await db.AuthoredKatas.SingleOrDefaultAsync(k => k.Id == id);
        if (kata is null) return (null, Problems.NotFound($"there is no authored kata '{id}'"));
        return await MayAuthorAsync(http, kata, db) ? (kata, null) : (null, Forbidden(id));
    }

    private static IResult Forbidden(string id) =>
        Problems.Problem(StatusCodes.Status403Forbidden, "Forbidden", $"only the authors of '{id}' and admins may see or change its hidden parts");

    private static IResult BuiltInReadOnly(string id) =>
        Problems.Problem(StatusCodes.Status403Forbidden, "Built-in katas are read-only",
            $"'{id}' is in the repository's katas/ folder: copy it to edit (POST /api/authoring/katas with {{\"id\": \"my-{id}\", \"from\": \"{id}\"}})");

    internal static IResult OwnerOnly(string id) =>
        Problems.Problem(StatusCodes.Status403Forbidden, "Forbidden", $"only the owner of '{id}' and admins may do this (co-authors edit, validate and publish)");

    private static IResult Archived(AuthoredKata kata) => Problems.Problem(StatusCodes.Status409Conflict, "Archived",
        $"'{kata.Id}' is archived (learners do not see it): restore it first (POST /api/authoring/katas/{kata.Id}/restore)");

    private static IResult IdTaken(string id) => Problems.Problem(StatusCodes.Status409Conflict, "Id taken", $"a kata '{id}' exists already: choose another id");

    private static IResult FormatProblem(KataFormatException e) => Results.Problem(statusCode: 400, title: "The kata has problems",
        detail: string.Join("; ", e.Problems.Select(ProblemText)),
        extensions: new Dictionary<string, object?> { ["problems"] = e.Problems.Select(ProblemText).ToList() });

    private static string ProblemText(KataProblem p) => p.Field is null ? p.Message : $"{p.Field}: {p.Message}";

    private static async Task<bool> IdTakenAsync(string id, PlatformDb db, KataLibrary library) =>
        library.IsBuiltIn(id) || await db.AuthoredKatas.AnyAsync(k => k.Id == id);

    private static async Task<AuthoredKata> AddAsync(PlatformDb db, HttpContext http, string id, KataFiles files, string? copiedFrom)
    {
        var now = DateTime.UtcNow;
        var kata = new AuthoredKata { Id = id, OwnerId = http.User.RequiredUserId(), CreatedAt = now, CopiedFrom = copiedFrom, DraftRevision = 0 };
        SetDraft(kata, files);
        db.AuthoredKatas.Add(kata);
        await db.SaveChangesAsync();
        return kata;
    }

    private static void SetDraft(AuthoredKata kata, KataFiles files)
    {
        kata.Draft = KataArchive.Export(files, kata.Id);
        kata.DraftRevision++;
        kata.DraftSavedAt = DateTime.UtcNow;
    }

    /// <summary>The same files with the manifest's id set to <paramref name="id"/> (the manifest is rewritten, indented).</summary>
    private static KataFiles WithId(KataFiles files, string id)
    {
        var manifest = JsonNode.Parse(files.Text(KataLoader.ManifestFileName) ?? "{}", documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!;
        manifest["id"] = id;
        return files.With(KataLoader.ManifestFileName, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static IReadOnlyDictionary<string, string> TextsOf(KataFiles files) =>
        files.Files.Keys.ToDictionary(path => path, path => files.Text(path) ?? "");

    private static string TitleOf(byte[] zip, string fallback)
    {
        try
        {
            var text = KataArchive.Read(zip).Text(KataLoader.ManifestFileName);
            return text is null ? fallback : KataLoader.ParseManifest(text, KataLoader.ManifestFileName).Title;
        }
        catch (Exception e) when (e is KataFormatException or KataArchiveException) { return fallback; }
    }

    private static async Task<AuthoredKataView> ViewAsync(PlatformDb db, AuthoredKata kata, KataLibrary library)
    {
        var files = KataArchive.Read(kata.Draft);
        IReadOnlyList<string> problems = [];
        try { KataLoader.Load(files, kata.Id, $"draft:{kata.Id}"); }
        catch (KataFormatException e) { problems = e.Problems.Select(ProblemText).ToList(); }
        var versions = await db.AuthoredKataVersions.AsNoTracking().Where(v => v.KataId == kata.Id).OrderByDescending(v => v.Version)
            .Select(v => new VersionItem(v.Version, v.PublishedAt)).ToListAsync();
        var last = await db.KataValidations.AsNoTracking().Where(v => v.KataId == kata.Id).OrderByDescending(v => v.CreatedAt).FirstOrDefaultAsync();
        return new AuthoredKataView(kata.Id, TitleOf(kata.Draft, kata.Id), ReadOnly: false, kata.DraftRevision, kata.ValidatedRevision, kata.LatestVersion,
            kata.ValidatedRevision == kata.DraftRevision && kata.ArchivedAt is null, kata.CopiedFrom, TextsOf(files), problems, versions,
            last is null ? null : View(last), kata.ArchivedAt, Rules);
    }

    private static ValidationView View(KataValidationRun v) => new(v.Id, v.DraftRevision, v.Status, v.Stage, v.Done, v.Total, v.Passed,
        v.ReportJson is null ? null : JsonDocument.Parse(v.ReportJson).RootElement.Clone(), v.Error, v.CreatedAt, v.FinishedAt);
}
