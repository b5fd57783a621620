using System.IO.Compression;

namespace KataServer.Katas.Archives;

/// <summary>
/// A kata as a zip of its <c>katas/&lt;id&gt;/</c> folder. Export is deterministic (entries sorted, one fixed time stamp),
/// so exporting the same files twice gives the same bytes. Import treats the upload as hostile: entries that would
/// land outside the kata folder, too many or too large entries (read with a cap, not trusting the header), duplicate
/// names, binary files and bytes that are not a zip are refused with a <see cref="KataArchiveException"/> naming the entry.
/// </summary>
public static class KataArchive
{
    public const int MaxZipBytes = 4 * 1024 * 1024;
    public const int MaxEntries = 200;
    public const int MaxFileBytes = 512 * 1024;
    public const int MaxTotalBytes = 8 * 1024 * 1024;

    private static readonly DateTimeOffset Stamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Writes the files under one top folder named <paramref name="id"/> (what zipping the folder gives).</summary>
    public static byte[] Export(KataFiles files, string id)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, bytes) in files.Files)
            {
                var entry = zip.CreateEntry($"{id}/{path}", CompressionLevel.Optimal);
                entry.LastWriteTime = Stamp;
                using var stream = entry.Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Reads an uploaded zip into files. One top folder holding everything (a zipped folder) is taken off.</summary>
    public static KataFiles Read(byte[] upload)
    {
        if (upload.Length == 0) throw new KataArchiveException("the upload is empty: send a .zip of the kata folder");
        if (upload.Length > MaxZipBytes) throw new KataArchiveException($"the zip is {upload.Length / 1024} KiB; at most {MaxZipBytes / 1024 / 1024} MiB");
        if (upload.Length < 4 || upload[0] != 'P' || upload[1] != 'K')
            throw new KataArchiveException("the upload is not a zip file (it does not start with the zip signature)");

        ZipArchive zip;
        try { zip = new ZipArchive(new MemoryStream(upload, writable: false), ZipArchiveMode.Read); }
        catch (InvalidDataException e) { throw new KataArchiveException($"the upload is not a readable zip file: {e.Message}"); }

        using (zip)
        {
            if (zip.Entries.Count > MaxEntries) throw new KataArchiveException($"the zip has {zip.Entries.Count} entries; a kata has at most {MaxEntries}");
            var raw = new List<(string Name, ZipArchiveEntry Entry)>();
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName;
                if (name.StartsWith("__MACOSX/", StringComparison.Ordinal) || name.EndsWith(".DS_Store", StringComparison.Ordinal)) continue;
                if (name.EndsWith('/')) continue; // a folder entry
                if (name.Contains('\\')) throw new KataArchiveException($"entry '{name}': backslashes are not allowed in zip entry names");
                if (name.StartsWith('/') || (name.Length > 1 && name[1] == ':'))
                    throw new KataArchiveException($"entry '{name}' has an absolute path: entries must be relative to the kata folder");
                if (name.Split('/').Any(s => s is ".." or "."))
                    throw new KataArchiveException($"entry '{name}' points outside the kata folder ('..' or '.')");
                raw.Add((name, entry));
            }

            if (raw.Count == 0) throw new KataArchiveException("the zip holds no files");
            var prefix = CommonTopFolder(raw.Select(r => r.Name).ToList());
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var files = new List<KeyValuePair<string, byte[]>>();
            long total = 0;
            foreach (var (name, entry) in raw)
            {
                var path = name[prefix.Length..];
                if (!KataFiles.IsSafePath(path))
                    throw new KataArchiveException($"entry '{name}': file names are letters, digits, '.', '-' and '_', at most {KataFiles.MaxDepth} folders deep");
                if (!seen.Add(path)) throw new KataArchiveException($"entry '{name}' appears twice in the zip (names are compared ignoring case)");
                if (entry.Length > MaxFileBytes) throw new KataArchiveException($"entry '{name}' is {entry.Length / 1024} KiB; a kata file is at most {MaxFileBytes / 1024} KiB");
                var bytes = ReadCapped(entry, name);
                total += bytes.Length;
                if (total > MaxTotalBytes) throw new KataArchiveException($"the zip unpacks to more than {MaxTotalBytes / 1024 / 1024} MiB");
                if (!KataFiles.IsText(bytes)) throw new KataArchiveException($"entry '{name}' is not UTF-8 text: a kata holds only text files");
                files.Add(KeyValuePair.Create(path, bytes));
            }

            return new KataFiles(files);
        }
    }

    /// <summary>Reads and checks an upload as a kata, optionally one that must have the id <paramref name="expectedId"/>.</summary>
    public static (KataFiles Files, Kata Kata) Import(byte[] upload, string? expectedId = null)
    {
        var files = Read(upload);
        var manifestText = files.Text(KataLoader.ManifestFileName)
            ?? throw new KataArchiveException($"the zip has no {KataLoader.ManifestFileName} in the kata folder");
        var manifest = KataLoader.ParseManifest(manifestText, KataLoader.ManifestFileName);
        if (expectedId is not null && manifest.Id != expectedId)
            throw new KataArchiveException($"the zip's {KataLoader.ManifestFileName} says id '{manifest.Id}', but it is imported as '{expectedId}'");
        var kata = KataLoader.Load(files, expectedId ?? manifest.Id, $"upload:{manifest.Id}");
        return (files, kata);
    }

    private static string CommonTopFolder(IReadOnlyList<string> names)
    {
        if (names.Contains(KataLoader.ManifestFileName)) return "";
        var first = names[0].Split('/')[0] + "/";
        return names.All(n => n.StartsWith(first, StringComparison.Ordinal) && n.Length > first.Length) ? first : "";
    }

    private static byte[] ReadCapped(ZipArchiveEntry entry, string name)
    {
        try
        {
            using var stream = entry.Open();
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk)) > 0)
            {
                buffer.Write(chunk, 0, read);
                // The header's size may lie: count what actually comes out.
                if (buffer.Length > MaxFileBytes) throw new KataArchiveException($"entry '{name}' unpacks to more than {MaxFileBytes / 1024} KiB");
            }

            return buffer.ToArray();
        }
        catch (InvalidDataException e) { throw new KataArchiveException($"entry '{name}' is damaged: {e.Message}"); }
    }
}

/// <summary>An upload that is not an acceptable kata zip; the message says what is wrong and where.</summary>
public sealed class KataArchiveException(string message) : Exception(message);
