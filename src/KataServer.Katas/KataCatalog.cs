namespace KataServer.Katas;

/// <summary>Every kata under a <c>katas/</c> folder, in learning-path order.</summary>
public sealed class KataCatalog
{
    private readonly Dictionary<string, Kata> byId;

    private KataCatalog(string root, IReadOnlyList<Kata> katas, IReadOnlyList<KataProblem> problems)
    {
        Root = root;
        Katas = katas;
        Problems = problems;
        byId = katas.ToDictionary(k => k.Id, StringComparer.Ordinal);
    }

    public string Root { get; }

    /// <summary>The katas that loaded, ordered by the learning path.</summary>
    public IReadOnlyList<Kata> Katas { get; }

    /// <summary>Problems of the folders that did not load (they are left out of <see cref="Katas"/>).</summary>
    public IReadOnlyList<KataProblem> Problems { get; }

    public static KataCatalog Load(string root)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"kata folder '{root}' does not exist");
        var katas = new List<Kata>();
        var problems = new List<KataProblem>();
        foreach (var folder in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            try { katas.Add(KataLoader.Load(folder)); }
            catch (KataFormatException e) { problems.AddRange(e.Problems); }
        }

        foreach (var clash in katas.GroupBy(k => k.Manifest.Order).Where(g => g.Count() > 1))
            problems.Add(new KataProblem(root, "order", $"katas {string.Join(", ", clash.Select(k => k.Id))} share position {clash.Key}"));

        return new KataCatalog(Path.GetFullPath(root), katas.OrderBy(k => k.Manifest.Order).ThenBy(k => k.Id).ToList(), problems);
    }

    public bool TryGet(string id, out Kata kata) => byId.TryGetValue(id, out kata!);

    /// <summary>
    /// Finds the katas folder: $KATA_HOME/katas, else the nearest repository's katas/ above the current or app directory,
    /// else the katas shipped beside the program (the installed `kata` tool).
    /// </summary>
    public static string? FindDefaultRoot()
    {
        var home = System.Environment.GetEnvironmentVariable("KATA_HOME");
        if (!string.IsNullOrEmpty(home) && Directory.Exists(Path.Combine(home, "katas"))) return Path.Combine(home, "katas");
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "katas");
                if (Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "KataServer.sln"))) return candidate;
            }
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, "katas");
        return Directory.Exists(shipped) ? shipped : null;
    }
}
