using KataServer.Katas;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Katas;

/// <summary>
/// The catalogue and what a learner reads and keeps per kata. Only the manifest's public fields, the statement and the
/// starter leave the server: never the hidden tests, the reference or the mutants.
/// </summary>
public static class KataEndpoints
{
    public const int MaxDraftBytes = KataServer.Compilation.SubmissionLimits.DefaultMaxBytes;

    public sealed record KataSummary(string Id, string Title, int Order, string Difficulty, IReadOnlyList<string> Topics, string Summary);
    public sealed record KataDetail(string Id, string Title, int Order, string Difficulty, IReadOnlyList<string> Topics, string Summary,
        string Statement, string Starter, int HintCount);
    public sealed record Hints(IReadOnlyList<string> Revealed, int Total);
    public sealed record DraftBody(string? Code);
    public sealed record DraftAnswer(string Code, DateTime SavedAt);
    public sealed record LeaderboardRow(int Rank, string DisplayName, int Score, DateTime SubmittedAt);

    public static void MapKataEndpoints(this IEndpointRouteBuilder app)
    {
        var katas = app.MapGroup("/api/katas").WithTags("Katas");
        katas.MapGet("/", (KataLibrary library) => library.Katas.Select(Summary));
        katas.MapGet("/{id}", (string id, KataLibrary library) =>
            library.Find(id) is { } kata ? Results.Ok(Detail(kata)) : UnknownKata(id));
        katas.MapGet("/{id}/hints", GetHintsAsync).RequireAuthorization();
        katas.MapPost("/{id}/hints", RevealHintAsync).RequireAuthorization();
        katas.MapGet("/{id}/draft", GetDraftAsync).RequireAuthorization();
        katas.MapPut("/{id}/draft", SaveDraftAsync).RequireAuthorization();
        katas.MapGet("/{id}/leaderboard", LeaderboardAsync).RequireAuthorization();
    }

    public static IResult UnknownKata(string? id) => Problems.NotFound($"there is no kata '{id}' (GET /api/katas lists them)");

    private static KataSummary Summary(Kata k) =>
        new(k.Id, k.Manifest.Title, k.Manifest.Order, k.Manifest.Difficulty, k.Manifest.Topics, k.Manifest.Summary);

    private static KataDetail Detail(Kata k) =>
        new(k.Id, k.Manifest.Title, k.Manifest.Order, k.Manifest.Difficulty, k.Manifest.Topics, k.Manifest.Summary,
            k.Statement, k.Starter.Text, k.Manifest.Hints.Count);

    private static async Task<IResult> GetHintsAsync(string id, KataLibrary library, HttpContext http, PlatformDb db) =>
        library.Find(id) is { } kata ? await RevealedHintsAsync(kata, http, db) : UnknownKata(id);

    /// <summary>The hints of this kata (as the caller got it: a screening pins a version) the caller revealed.</summary>
    internal static async Task<IResult> RevealedHintsAsync(Kata kata, HttpContext http, PlatformDb db) =>
        Results.Ok(await RevealedAsync(kata, http.User.RequiredUserId(), db));

    private static async Task<IResult> RevealHintAsync(string id, KataLibrary library, HttpContext http, PlatformDb db) =>
        library.Find(id) is { } kata ? await RevealNextHintAsync(kata, http, db) : UnknownKata(id);

    internal static async Task<IResult> RevealNextHintAsync(Kata kata, HttpContext http, PlatformDb db)
    {
        var id = kata.Id;
        var userId = http.User.RequiredUserId();
        var revealed = await db.HintReveals.CountAsync(h => h.UserId == userId && h.Kata == id);
        if (revealed >= kata.Manifest.Hints.Count)
            return Problems.Problem(StatusCodes.Status409Conflict, "No more hints", $"all {kata.Manifest.Hints.Count} hints of '{id}' are revealed");
        db.HintReveals.Add(new HintReveal { UserId = userId, Kata = id, Index = revealed, RevealedAt = DateTime.UtcNow });
        try { await db.SaveChangesAsync(); }
        catch (DbUpdateException) { /* the same hint revealed by a parallel request: the answer below is the same */ }
        return Results.Ok(await RevealedAsync(kata, userId, db));
    }

    private static async Task<Hints> RevealedAsync(Kata kata, string userId, PlatformDb db)
    {
        var count = await db.HintReveals.CountAsync(h => h.UserId == userId && h.Kata == kata.Id);
        return new Hints(kata.Manifest.Hints.Take(count).ToList(), kata.Manifest.Hints.Count);
    }

    private static async Task<IResult> GetDraftAsync(string id, KataLibrary library, HttpContext http, PlatformDb db)
    {
        if (library.Find(id) is null) return UnknownKata(id);
        var userId = http.User.RequiredUserId();
        var draft = await db.Drafts.AsNoTracking().SingleOrDefaultAsync(d => d.UserId == userId && d.Kata == id);
        return draft is null ? Problems.NotFound($"you have no draft of '{id}'") : Results.Ok(new DraftAnswer(draft.Code, draft.SavedAt));
    }

    private static async Task<IResult> SaveDraftAsync(string id, DraftBody body, KataLibrary library, HttpContext http, PlatformDb db)
    {
        if (library.Find(id) is null) return UnknownKata(id);
        if (body.Code is null) return Problems.BadRequest("\"code\" is required");
        if (System.Text.Encoding.UTF8.GetByteCount(body.Code) > MaxDraftBytes) return Problems.TooLarge($"a draft is at most {MaxDraftBytes / 1024} KiB");
        var userId = http.User.RequiredUserId();
        var draft = await db.Drafts.SingleOrDefaultAsync(d => d.UserId == userId && d.Kata == id);
        if (draft is null) db.Drafts.Add(draft = new Draft { UserId = userId, Kata = id });
        draft.Code = body.Code;
        draft.SavedAt = DateTime.UtcNow;
        await db.SaveChangesAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> LeaderboardAsync(string id, KataLibrary library, PlatformDb db)
    {
        if (library.Find(id) is null) return UnknownKata(id);
        var graded = await db.Submissions.AsNoTracking()
            .Where(s => s.Kata == id && s.Mode == SubmissionModes.Submit && s.Status == SubmissionStatus.Done && s.Score != null)
            .Where(s => !s.UserId.StartsWith(KataServer.Platform.Screenings.ScreeningSessions.CandidateIdPrefix)) // candidates are private
            .Select(s => new { s.UserId, Score = s.Score!.Value, s.CreatedAt })
            .ToListAsync();
        var best = graded.GroupBy(s => s.UserId)
            .Select(g => g.OrderByDescending(s => s.Score).ThenBy(s => s.CreatedAt).First())
            .OrderByDescending(s => s.Score).ThenBy(s => s.CreatedAt)
            .Take(100)
            .ToList();
        var ids = best.Select(b => b.UserId).ToList();
        var names = await db.Users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName);
        return Results.Ok(best.Select((b, i) => new LeaderboardRow(i + 1, names.GetValueOrDefault(b.UserId) ?? "learner", b.Score, b.CreatedAt)));
    }
}
