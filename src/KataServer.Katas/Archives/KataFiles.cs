using System.Collections.Immutable;
using System.Text;

namespace KataServer.Katas.Archives;

/// <summary>
/// A kata's files held in memory, by path relative to the kata folder ('/'-separated), bytes exactly as they were.
/// This is the one shape a kata folder, an uploaded zip and a stored version share.
/// </summary>
public sealed class KataFiles
{
    public const int MaxPathLength = 200;
    public const int MaxDepth = 4;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public KataFiles(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, bytes) in files)
        {
            if (!IsSafePath(path)) throw new ArgumentException($"'{path}' is not a safe relative path", nameof(files));
            builder.Add(path, bytes);
        }

        Files = builder.ToImmutable();
    }

    public ImmutableSortedDictionary<string, byte[]> Files { get; }

    public int TotalBytes => Files.Values.Sum(b => b.Length);

    /// <summary>The file as text (UTF-8, a leading byte-order mark dropped as File.ReadAllText does), or null when absent.</summary>
    public string? Text(string path)
    {
        if (!Files.TryGetValue(path, out var bytes)) return null;
        var text = StrictUtf8.GetString(bytes);
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    public KataFiles With(string path, string text) => With(path, StrictUtf8.GetBytes(text));

    public KataFiles With(string path, byte[] bytes) => new(Files.SetItem(path, bytes));

    public KataFiles Without(string path) => new(Files.Remove(path));

    /// <summary>Every file of a folder, recursively (the folder of a built-in kata).</summary>
    public static KataFiles FromFolder(string folder)
    {
        var root = Path.GetFullPath(folder);
        return new KataFiles(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => KeyValuePair.Create(Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes(f))));
    }

    /// <summary>
    /// A path inside the kata folder: '/'-separated segments of letters, digits, '.', '-' and '_', none of them '.' or '..',
    /// not absolute, at most <see cref="MaxDepth"/> deep. Anything else (zip slip, drive letters, backslashes) is refused.
    /// </summary>
    public static bool IsSafePath(string path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > MaxPathLength) return false;
        var segments = path.Split('/');
        if (segments.Length > MaxDepth) return false;
        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment is "." or "..") return false;
            if (!segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')) return false;
        }

        return true;
    }

    /// <summary>True when the bytes are UTF-8 text without NUL characters (kata files are all text).</summary>
    public static bool IsText(byte[] bytes)
    {
        if (Array.IndexOf(bytes, (byte)0) >= 0) return false;
        try { StrictUtf8.GetCharCount(bytes); return true; }
        catch (DecoderFallbackException) { return false; }
    }
}
