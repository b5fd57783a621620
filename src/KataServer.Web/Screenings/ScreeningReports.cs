using System.Globalization;
using System.Text;
using System.Text.Json;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;
using KataServer.Platform.Screenings;
using KataServer.Web.Infrastructure;
using KataServer.Web.Submissions;
using Microsoft.EntityFrameworkCore;

namespace KataServer.Web.Screenings;

/// <summary>The interviewer's report of one candidate, the table comparing the candidates, and its CSV export.</summary>
public static class ScreeningReports
{
    public sealed record SnapshotView(long Id, string Kind, DateTime CreatedAt, string Code, string? Pastes, Guid? SubmissionId);
    public sealed record KataReport(string Kata, string Title, string Status, string? Verdict, int? Score, JsonElement? Report, Guid? FinalSubmissionId,
        int Runs, int Submits, int HintsOpened, double? TimeSpentSeconds, IReadOnlyList<SnapshotView> Snapshots, IReadOnlyList<ScreeningSimilarity.Match> Similarity);
    public sealed record CandidateReport(Guid ScreeningId, string Screening, InterviewerEndpoints.CandidateView Candidate, double? TimeSpentSeconds,
        int TotalScore, int Flags, IReadOnlyList<KataReport> Katas);
    public sealed record CompareRow(Guid Id, string Name, string? Email, string State, double? TimeSpentSeconds, int TotalScore, int Flags,
        IReadOnlyList<CompareCell> Katas);
    public sealed record CompareCell(string Kata, string? Verdict, int? Score, int Runs, int Submits, bool Flagged);

    internal static async Task<IResult> CandidateReportAsync(Guid id, Guid candidateId, HttpContext http, PlatformDb db, KataLibrary katas,
        ScreeningSimilarity similarity, ScreeningSessions sessions)
    {
        var (screening, problem) = await InterviewerEndpoints.OwnedAsync(id, http, db);
        if (screening is null) return problem!;
        var candidate = await db.ScreeningCandidates.AsNoTracking().SingleOrDefaultAsync(c => c.Id == candidateId && c.ScreeningId == id);
        if (candidate is null) return Problems.NotFound($"screening {id} has no candidate {candidateId}");
        await sessions.EndIfDueAsync(candidate, http.RequestAborted);
        return Results.Ok(await BuildAsync(db, katas, similarity, screening, candidate, withDetails: true));
    }

    internal static async Task<IResult> CompareAsync(Guid id, HttpContext http, PlatformDb db, KataLibrary katas, ScreeningSimilarity similarity)
    {
        var (screening, problem) = await InterviewerEndpoints.OwnedAsync(id, http, db);
        return screening is null ? problem! : Results.Ok(await RowsAsync(db, katas, similarity, screening));
    }

    internal static async Task<IResult> CompareCsvAsync(Guid id, HttpContext http, PlatformDb db, KataLibrary katas, ScreeningSimilarity similarity)
    {
        var (screening, problem) = await InterviewerEndpoints.OwnedAsync(id, http, db);
        if (screening is null) return problem!;
        var rows = await RowsAsync(db, katas, similarity, screening);
        var csv = new StringBuilder();
        var header = new List<string> { "candidate", "email", "state", "minutes", "total score", "similarity flags" };
        foreach (var kata in screening.KataIds) header.AddRange([$"{kata} verdict", $"{kata} score", $"{kata} runs", $"{kata} submits"]);
        csv.AppendLine(string.Join(',', header.Select(Csv)));
        foreach (var row in rows)
        {
            var cells = new List<string?> { row.Name, row.Email, row.State, row.TimeSpentSeconds is { } t ? (t / 60).ToString("0.0", CultureInfo.InvariantCulture) : "",
                row.TotalScore.ToString(CultureInfo.InvariantCulture), row.Flags.ToString(CultureInfo.InvariantCulture) };
            foreach (var cell in row.Katas)
                cells.AddRange([cell.Verdict, cell.Score?.ToString(CultureInfo.InvariantCulture), cell.Runs.ToString(CultureInfo.InvariantCulture), cell.Submits.ToString(CultureInfo.InvariantCulture)]);
            csv.AppendLine(string.Join(',', cells.Select(Csv)));
        }

        var name = new string(screening.Title.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"screening-{name}.csv");
    }

    /// <summary>
    /// One CSV field, always quoted. A value a spreadsheet would run as a formula (starting with = + - @, a tab or a
    /// carriage return; a candidate chooses their own name) is prefixed with an apostrophe (OWASP's CSV injection advice).
    /// </summary>
    public static string Csv(string? value)
    {
        value ??= "";
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0])) value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"") + "\"";
    }

    private static async Task<List<CompareRow>> RowsAsync(PlatformDb db, KataLibrary katas, ScreeningSimilarity similarity, Screening screening)
    {
        var candidates = await db.ScreeningCandidates.AsNoTracking().Where(c => c.ScreeningId == screening.Id).OrderBy(c => c.InvitedAt).ToListAsync();
        var rows = new List<CompareRow>();
        foreach (var c in candidates)
        {
            var report = await BuildAsync(db, katas, similarity, screening, c, withDetails: false);
            rows.Add(new CompareRow(c.Id, c.Name, c.Email, report.Candidate.State, report.TimeSpentSeconds, report.TotalScore, report.Flags,
                report.Katas.Select(k => new CompareCell(k.Kata, k.Verdict, k.Score, k.Runs, k.Submits, k.Similarity.Any(m => m.Flagged))).ToList()));
        }

        return rows;
    }

    private static async Task<CandidateReport> BuildAsync(PlatformDb db, KataLibrary katas, ScreeningSimilarity similarity, Screening screening,
        ScreeningCandidate candidate, bool withDetails)
    {
        var submissions = await db.Submissions.AsNoTracking().Where(s => s.UserId == candidate.UserId).OrderBy(s => s.CreatedAt).ToListAsync();
        var snapshots = await db.CodeSnapshots.AsNoTracking().Where(s => s.CandidateId == candidate.Id).OrderBy(s => s.Id).ToListAsync();
        var hints = await db.HintReveals.AsNoTracking().Where(h => h.UserId == candidate.UserId).GroupBy(h => h.Kata)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        var others = await OtherCandidatesLastCodeAsync(db, screening.Id, candidate.Id);

        var list = new List<KataReport>();
        // An authored kata as the version the screening pinned: its reference and mutants are what candidates are compared with.
        foreach (var (kataId, kata) in await ScreeningKatas.ResolveAllAsync(katas, screening, CancellationToken.None))
        {
            var mine = submissions.Where(s => s.Kata == kataId).ToList();
            var final = mine.LastOrDefault(s => s.Mode == SubmissionModes.Submit);
            var kataSnapshots = snapshots.Where(s => s.Kata == kataId).ToList();
            var lastCode = kataSnapshots.LastOrDefault()?.Code;
            var matches = kata is null || lastCode is null ? [] : similarity.Compare(kata, lastCode,
                others.Where(o => o.Kata == kataId).Select(o => new ScreeningSimilarity.Source("candidate", o.Name, o.Code, o.CandidateId)));
            double? spent = kataSnapshots.Count == 0 ? null : (kataSnapshots[^1].CreatedAt - kataSnapshots[0].CreatedAt).TotalSeconds;
            list.Add(new KataReport(kataId, kata?.Manifest.Title ?? kataId,
                final?.Status ?? "not submitted", final?.Verdict, final?.Score,
                withDetails && final is not null ? SubmissionEndpoints.ReportOf(final) : null, final?.Id,
                mine.Count(s => s.Mode == SubmissionModes.Run), mine.Count(s => s.Mode == SubmissionModes.Submit), hints.GetValueOrDefault(kataId),
                spent,
                withDetails ? kataSnapshots.Select(s => new SnapshotView(s.Id, s.Kind, s.CreatedAt, s.Code, s.Pastes, s.SubmissionId)).ToList() : [],
                withDetails ? matches : matches.Where(m => m.Flagged).ToList()));
        }

        double? total = candidate.StartedAt is { } start ? ((candidate.FinishedAt ?? Min(DateTime.UtcNow, candidate.EndsAt!.Value)) - start).TotalSeconds : null;
        return new CandidateReport(screening.Id, screening.Title, InterviewerEndpoints.View(candidate), total,
            list.Sum(k => k.Score ?? 0), list.Sum(k => k.Similarity.Count(m => m.Flagged)), list);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private sealed record OtherCode(Guid CandidateId, string Name, string Kata, string Code);

    private static async Task<List<OtherCode>> OtherCandidatesLastCodeAsync(PlatformDb db, Guid screeningId, Guid except)
    {
        var others = await db.ScreeningCandidates.AsNoTracking().Where(c => c.ScreeningId == screeningId && c.Id != except)
            .Select(c => new { c.Id, c.Name }).ToListAsync();
        var list = new List<OtherCode>();
        foreach (var other in others)
        {
            foreach (var (kata, code) in await CandidateEndpoints.LastCodeAsync(db, other.Id)) list.Add(new OtherCode(other.Id, other.Name, kata, code));
        }

        return list;
    }
}
