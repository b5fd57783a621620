namespace KataServer.Katas;

/// <summary>A loaded kata: its manifest, the folder it came from and its files read into memory.</summary>
public sealed record Kata(
    KataManifest Manifest,
    string Directory,
    string Statement,
    SourceText Starter,
    SourceText Reference,
    IReadOnlyList<SourceText> Tests,
    IReadOnlyList<LoadedMutant> Mutants)
{
    public string Id => Manifest.Id;
}

public sealed record SourceText(string Path, string Text);

public sealed record LoadedMutant(KataMutant Spec, SourceText Source)
{
    public string Name => System.IO.Path.GetFileNameWithoutExtension(Source.Path);
}
