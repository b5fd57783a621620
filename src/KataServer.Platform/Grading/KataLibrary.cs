using System.Collections.Concurrent;
using KataServer.Katas;
using KataServer.Katas.Archives;
using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Grading;

/// <summary>
/// The katas this server offers: the built-in catalogue, loaded once at start from <see cref="PlatformOptions.KatasDirectory"/>
/// (read-only), and the latest published version of every authored kata (from the database, kept current by
/// <see cref="Published"/>). A grading resolves the exact version a submission was made against with <see cref="ResolveAsync"/>.
/// </summary>
public sealed class KataLibrary
{
    private readonly IDbContextFactory<PlatformDb>? dbs;
    private readonly ILogger<KataLibrary> log;
    private readonly ConcurrentDictionary<string, (int Version, Kata Kata)> authored = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Id, int Version), Kata> versions = new();
    private readonly Lazy<bool> authoredLoaded;

    public KataLibrary(PlatformOptions options, ILogger<KataLibrary> log, IDbContextFactory<PlatformDb>? dbs = null)
    {
        this.dbs = dbs;
        this.log = log;
        var root = string.IsNullOrWhiteSpace(options.KatasDirectory) ? KataCatalog.FindDefaultRoot() : options.KatasDirectory;
        if (root is null)
            throw new InvalidOperationException("cannot find the katas/ folder: run from the repository, or set KataServer__KatasDirectory");
        Catalog = KataCatalog.Load(root);
        foreach (var problem in Catalog.Problems) log.LogWarning("kata not loaded: {Problem}", problem);
        log.LogInformation("loaded {Count} katas from {Root}", Catalog.Katas.Count, Catalog.Root);
        authoredLoaded = new Lazy<bool>(LoadPublished);
    }

    /// <summary>The built-in katas (the repository's <c>katas/</c>).</summary>
    public KataCatalog Catalog { get; }

    /// <summary>Every kata a learner can pick: built-in and the latest version of each published authored kata, in learning-path order.</summary>
    public IReadOnlyList<Kata> Katas
    {
        get
        {
            _ = authoredLoaded.Value;
            return authored.IsEmpty
                ? Catalog.Katas
                : Catalog.Katas.Concat(authored.Values.Select(a => a.Kata)).OrderBy(k => k.Manifest.Order).ThenBy(k => k.Id, StringComparer.Ordinal).ToList();
        }
    }

    public bool IsBuiltIn(string id) => Catalog.TryGet(id, out _);

    public Kata? Find(string? id)
    {
        if (id is null) return null;
        if (Catalog.TryGet(id, out var kata)) return kata;
        _ = authoredLoaded.Value;
        return authored.TryGetValue(id, out var latest) ? latest.Kata : null;
    }

    /// <summary>The published version learners get now for an authored kata; null for a built-in or unknown one.</summary>
    public int? LatestVersionOf(string id)
    {
        _ = authoredLoaded.Value;
        return !IsBuiltIn(id) && authored.TryGetValue(id, out var latest) ? latest.Version : null;
    }

    /// <summary>The kata as a submission saw it: a built-in kata, or one published version of an authored kata (read from the database on any worker).</summary>
    public async Task<Kata?> ResolveAsync(string id, int? version, CancellationToken cancellationToken)
    {
        if (version is null) return Catalog.TryGet(id, out var builtIn) ? builtIn : null;
        if (versions.TryGetValue((id, version.Value), out var cached)) return cached;
        if (dbs is null) return null;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var row = await db.AuthoredKataVersions.AsNoTracking().SingleOrDefaultAsync(v => v.KataId == id && v.Version == version, cancellationToken);
        return row is null ? null : versions.GetOrAdd((id, version.Value), _ => LoadVersion(id, version.Value, row.Files));
    }

    /// <summary>Called once a version is published in this process: learners get it from now on.</summary>
    public void Published(string id, int version, Kata kata)
    {
        versions[(id, version)] = kata;
        authored.AddOrUpdate(id, (version, kata), (_, old) => old.Version > version ? old : (version, kata));
    }

    /// <summary>Called once an authored kata is archived: learners no longer get it (its versions still resolve for grading).</summary>
    public void Withdrawn(string id)
    {
        _ = authoredLoaded.Value;
        authored.TryRemove(id, out _);
    }

    public static Kata LoadVersion(string id, int version, byte[] zip) => KataLoader.Load(KataArchive.Read(zip), id, $"authored:{id}@{version}");

    private bool LoadPublished()
    {
        if (dbs is null) return true;
        using var db = dbs.CreateDbContext();
        var latest = db.AuthoredKatas.AsNoTracking().Where(k => k.LatestVersion > 0 && k.ArchivedAt == null)
            .Join(db.AuthoredKataVersions.AsNoTracking(), k => new { k.Id, V = k.LatestVersion }, v => new { Id = v.KataId, V = v.Version }, (k, v) => v)
            .ToList();
        foreach (var row in latest)
        {
            try { Published(row.KataId, row.Version, LoadVersion(row.KataId, row.Version, row.Files)); }
            catch (Exception e) when (e is KataFormatException or KataArchiveException)
            {
                log.LogWarning("authored kata {Kata} v{Version} not loaded: {Problem}", row.KataId, row.Version, e.Message);
            }
        }

        log.LogInformation("loaded {Count} published authored katas", authored.Count);
        return true;
    }
}
