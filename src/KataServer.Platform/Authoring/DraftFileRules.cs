using KataServer.Katas;
using KataServer.Katas.Archives;

namespace KataServer.Platform.Authoring;

/// <summary>
/// Which files a kata draft may hold, checked on every save and import (the browser adds, renames and removes files):
/// a safe relative path (<see cref="KataFiles.IsSafePath"/>: no '..', no absolute path, no backslash), at the top of
/// the kata folder or in one of <see cref="Folders"/>, with one of <see cref="Extensions"/>, not a hidden name, within
/// the archive's size limits, and always with a <c>kata.json</c>. Every folder of the repository's <c>katas/</c> fits.
/// </summary>
public static class DraftFileRules
{
    public static readonly IReadOnlyList<string> Folders = ["tests", "mutants", "hints", "docs"];
    public static readonly IReadOnlyList<string> Extensions = [".cs", ".md", ".json", ".txt"];

    /// <summary>Why <paramref name="path"/> cannot be a file of a draft, or null when it can.</summary>
    public static string? WhyRefused(string path)
    {
        if (!KataFiles.IsSafePath(path))
            return $"'{Shorten(path)}' is not a file path inside the kata folder: letters, digits, '.', '-' and '_', with '/' between folders (no '..', no leading '/', no '\\')";
        var segments = path.Split('/');
        if (segments.Length > 2 || (segments.Length == 2 && !Folders.Contains(segments[0], StringComparer.Ordinal)))
            return $"'{path}' is not in an allowed place: the top of the kata folder or one of the folders {string.Join(", ", Folders.Select(f => f + "/"))}";
        var name = segments[^1];
        if (name.StartsWith('.')) return $"'{path}': a file name cannot start with '.'";
        var extension = Path.GetExtension(name);
        if (!Extensions.Contains(extension, StringComparer.Ordinal) || name.Length == extension.Length)
            return $"'{path}' has no allowed extension: a kata file ends with {string.Join(", ", Extensions)}";
        return null;
    }

    /// <summary>Why the whole set of files cannot be a draft (the first file refused, sizes, the manifest), or null.</summary>
    public static string? WhyRefused(KataFiles files)
    {
        if (files.Files.Count > KataArchive.MaxEntries) return $"a kata has at most {KataArchive.MaxEntries} files (this has {files.Files.Count})";
        foreach (var (path, bytes) in files.Files)
        {
            if (WhyRefused(path) is { } refused) return refused;
            if (bytes.Length > KataArchive.MaxFileBytes) return $"'{path}' is {bytes.Length / 1024} KiB; a kata file is at most {KataArchive.MaxFileBytes / 1024} KiB";
        }

        if (files.TotalBytes > KataArchive.MaxTotalBytes) return $"the kata's files add up to more than {KataArchive.MaxTotalBytes / 1024 / 1024} MiB";
        if (!files.Files.ContainsKey(KataLoader.ManifestFileName))
            return $"'{KataLoader.ManifestFileName}' is required: it is the manifest that names the kata's files (edit it, do not remove it)";
        return null;
    }

    private static string Shorten(string path) => path.Length <= 80 ? path : path[..80] + "…";
}
