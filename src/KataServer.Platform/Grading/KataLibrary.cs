using KataServer.Katas;
using Microsoft.Extensions.Logging;

namespace KataServer.Platform.Grading;

/// <summary>The katas this server offers, loaded once at start from <see cref="PlatformOptions.KatasDirectory"/>.</summary>
public sealed class KataLibrary
{
    public KataLibrary(PlatformOptions options, ILogger<KataLibrary> log)
    {
        var root = string.IsNullOrWhiteSpace(options.KatasDirectory) ? KataCatalog.FindDefaultRoot() : options.KatasDirectory;
        if (root is null)
            throw new InvalidOperationException("cannot find the katas/ folder: run from the repository, or set KataServer__KatasDirectory");
        Catalog = KataCatalog.Load(root);
        foreach (var problem in Catalog.Problems) log.LogWarning("kata not loaded: {Problem}", problem);
        log.LogInformation("loaded {Count} katas from {Root}", Catalog.Katas.Count, Catalog.Root);
    }

    public KataCatalog Catalog { get; }

    public IReadOnlyList<Kata> Katas => Catalog.Katas;

    public Kata? Find(string? id) => id is not null && Catalog.TryGet(id, out var kata) ? kata : null;
}
