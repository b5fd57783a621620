using System.Collections.Concurrent;
using KataServer.Katas;
using KataServer.Katas.Archives;
using KataServer.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Grading;

/// <summary>
/// The katas this server offers: the built-in catalogue, loaded once at start from <see cref="PlatformOptions.KatasDirectory"/>
/// (read-only), and the latest published version of every authored kata (from the database: kept current by
/// <see cref="Published"/> on the host that published, and by a version count checked every few seconds on the others).
/// A grading resolves the exact version a submission was made against with <see cref="ResolveAsync"/>.
/// </summary>
public sealed class KataLibrary
{
    private readonly IDbContextFactory<PlatformDb>? dbs;
    private readonly ILogger<KataLibrary> log;
    private readonly ConcurrentDictionary<string, (int Version, Kata Kata)> authored = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Id, int Version), Kata> versions = new();
    private readonly TimeSpan checkInterval;
    private readonly Lock refreshLock = new();
    private bool loaded;
    private long checkedAt;
    private (int Versions, int Archived) knownStamp = (-1, -1);

    public KataLibrary(PlatformOptions options, ILogger<KataLibrary> log, IDbContextFactory<PlatformDb>? dbs = null)
    {
        this.dbs = dbs;
        this.log = log;
        checkInterval = options.PublishedKataCheckInterval;
        var root = string.IsNullOrWhiteSpace(options.KatasDirectory) ? KataCatalog.FindDefaultRoot() : options.KatasDirectory;
        if (root is null)
            throw PlatformStartupException.Setting("cannot find the katas/ folder: run from the repository, or set KataServer__KatasDirectory");
        if (!Directory.Exists(root)) throw PlatformStartupException.Setting($"KataServer__KatasDirectory: the folder {Path.GetFullPath(root)} does not exist");
        Catalog = KataCatalog.Load(root);
        foreach (var problem in Catalog.Problems) log.LogWarning("kata not loaded: {Problem}", problem);
        log.LogInformation("loaded {Count} katas from {Root}", Catalog.Katas.Count, Catalog.Root);
    }

    /// <summary>The built-in katas (the repository's <c>katas/</c>).</summary>
    public KataCatalog Catalog { get; }

    /// <summary>Every kata a learner can pick: built-in and the latest version of each published authored kata, in learning-path order.</summary>
    public IReadOnlyList<Kata> Katas
    {
        get
        {
            EnsureCurrent();
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
        EnsureCurrent();
        return authored.TryGetValue(id, out var latest) ? latest.Kata : null;
    }

    /// <summary>The published version learners get now for an authored kata; null for a built-in or unknown one.</summary>
    public int? LatestVersionOf(string id)
    {
        EnsureCurrent();
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
        EnsureCurrent();
        authored.TryRemove(id, out _);
    }

    public static Kata LoadVersion(string id, int version, byte[] zip) => KataLoader.Load(KataArchive.Read(zip), id, $"authored:{id}@{version}");

    /// <summary>
    /// Several web hosts share one database, and a kata published on one must be offered by all: at most every
    /// <see cref="PlatformOptions.PublishedKataCheckInterval"/> a request asks the database how many versions exist and how
    /// many katas are archived (a stamp: versions are only ever added) and, when that changed, loads the katas whose latest
    /// version is new to this host and stops offering the archived ones.
    /// </summary>
    private void EnsureCurrent()
    {
        if (dbs is null) return;
        if (Volatile.Read(ref loaded) && Environment.TickCount64 - Volatile.Read(ref checkedAt) < checkInterval.TotalMilliseconds) return;
        lock (refreshLock)
        {
            if (loaded && Environment.TickCount64 - checkedAt < checkInterval.TotalMilliseconds) return;
            try { LoadNewVersions(); }
            catch (Exception e) when (loaded)
            {
                // Keep offering what this host has; the next request asks again.
                log.LogWarning("could not check for newly published katas: {Reason}", e.Message);
                return;
            }

            Volatile.Write(ref checkedAt, Environment.TickCount64);
            Volatile.Write(ref loaded, true);
        }
    }

    private void LoadNewVersions()
    {
        using var db = dbs!.CreateDbContext();
        // Versions are only ever added; archiving and restoring move the number of archived katas.
        var stamp = (db.AuthoredKataVersions.Count(), db.AuthoredKatas.Count(k => k.ArchivedAt != null));
        if (stamp == knownStamp) return;
        var latest = db.AuthoredKatas.AsNoTracking().Where(k => k.LatestVersion > 0 && k.ArchivedAt == null)
            .Select(k => new { k.Id, k.LatestVersion }).ToList();
        foreach (var id in authored.Keys.Except(latest.Select(k => k.Id)))
        {
            authored.TryRemove(id, out _);
            log.LogInformation("authored kata {Kata} was archived: no longer offered", id);
        }

        foreach (var kata in latest)
        {
            if (authored.TryGetValue(kata.Id, out var offered) && offered.Version >= kata.LatestVersion) continue;
            var row = db.AuthoredKataVersions.AsNoTracking().Single(v => v.KataId == kata.Id && v.Version == kata.LatestVersion);
            try
            {
                Published(row.KataId, row.Version, LoadVersion(row.KataId, row.Version, row.Files));
                if (loaded) log.LogInformation("authored kata {Kata} v{Version} was published: offered from now on", row.KataId, row.Version);
            }
            catch (Exception e) when (e is KataFormatException or KataArchiveException)
            {
                log.LogWarning("authored kata {Kata} v{Version} not loaded: {Problem}", row.KataId, row.Version, e.Message);
            }
        }

        if (!loaded) log.LogInformation("loaded {Count} published authored katas", authored.Count);
        knownStamp = stamp;
    }
}
