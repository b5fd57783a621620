using KataServer.Katas;
using KataServer.Platform.Data;
using KataServer.Platform.Grading;

namespace KataServer.Web.Screenings;

/// <summary>
/// Which kata a screening gives its candidates: a built-in kata, or the published version of an authored kata that was
/// pinned when the screening was made (a later publish changes nothing for its candidates). Only what learners see of a
/// kata (statement, starter, hints) ever reaches a candidate.
/// </summary>
public static class ScreeningKatas
{
    /// <summary>The interviewer's list ("id", or "id@version" to pin an older published version) pinned, or what is wrong with it.</summary>
    public static async Task<(List<ScreeningKata>? Pinned, string? Problem)> PinAsync(IReadOnlyList<string> requested, KataLibrary katas, CancellationToken cancellationToken)
    {
        var pinned = new List<ScreeningKata>();
        foreach (var entry in requested)
        {
            var (id, version) = ScreeningKata.Parse(entry);
            if (katas.IsBuiltIn(id))
            {
                if (version is not null) return (null, $"\"katas\": '{id}' is built in and has no versions");
                pinned.Add(new ScreeningKata(id, null));
                continue;
            }

            // Authored katas: published versions only (a draft is not proven by a validation yet).
            if (katas.LatestVersionOf(id) is not { } latest) return (null, $"\"katas\": there is no published kata '{id}'");
            var pin = version ?? latest;
            if (pin < 1 || pin > latest || await katas.ResolveAsync(id, pin, cancellationToken) is null)
                return (null, $"\"katas\": '{id}' has no published version {pin} (the latest is {latest})");
            pinned.Add(new ScreeningKata(id, pin));
        }

        return pinned.Select(p => p.Id).Distinct().Count() == pinned.Count ? (pinned, null) : (null, "\"katas\": each kata once");
    }

    /// <summary>The kata as the screening's candidates get it; null when the server no longer offers it.</summary>
    public static Task<Kata?> ResolveAsync(KataLibrary katas, Screening screening, string kata, CancellationToken cancellationToken) =>
        screening.KataIds.Contains(kata) ? katas.ResolveAsync(kata, screening.VersionOf(kata), cancellationToken) : Task.FromResult<Kata?>(null);

    /// <summary>Every kata of the screening in its order, with null for one the server no longer offers.</summary>
    public static async Task<List<(string Id, Kata? Kata)>> ResolveAllAsync(KataLibrary katas, Screening screening, CancellationToken cancellationToken)
    {
        var list = new List<(string, Kata?)>();
        foreach (var (id, version) in screening.PinnedKatas) list.Add((id, await katas.ResolveAsync(id, version, cancellationToken)));
        return list;
    }
}
