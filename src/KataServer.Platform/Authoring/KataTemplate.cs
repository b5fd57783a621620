using KataServer.Katas.Archives;

namespace KataServer.Platform.Authoring;

/// <summary>
/// The small kata a new authored kata starts from (<c>Authoring/Template/</c>, embedded): a counter whose increments and
/// additions must not be lost, with a starter, a reference, two tests and three mutants. It validates as shipped.
/// </summary>
public static class KataTemplate
{
    private const string Prefix = "KataTemplate/";
    private const string TemplateId = "my-counter";

    public static KataFiles Files(string id)
    {
        var assembly = typeof(KataTemplate).Assembly;
        var files = new List<KeyValuePair<string, byte[]>>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            files.Add(KeyValuePair.Create(name[Prefix.Length..].Replace('\\', '/'), buffer.ToArray()));
        }

        var template = new KataFiles(files);
        var manifest = template.Text(Katas.KataLoader.ManifestFileName)!;
        return template.With(Katas.KataLoader.ManifestFileName, manifest.Replace($"\"id\": \"{TemplateId}\"", $"\"id\": \"{id}\""));
    }
}
