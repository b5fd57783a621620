using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace KataServer.Compilation;

/// <summary>Limits applied to an uploaded learner file before it reaches the compiler.</summary>
public sealed record SubmissionLimits
{
    /// <summary>256 KiB: far more than any kata solution needs, small enough to keep compiles fast.</summary>
    public const int DefaultMaxBytes = 256 * 1024;

    public static SubmissionLimits Default { get; } = new();

    /// <summary>Largest accepted file, in bytes (a UTF-8 byte order mark counts).</summary>
    public int MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>
    /// Control characters (other than tab, CR, LF, form feed, vertical tab) tolerated before the
    /// file is treated as binary: a stray escape character in a comment is fine, a binary blob is not.
    /// </summary>
    public int MaxControlCharacters { get; init; } = 16;
}

/// <summary>
/// Turns the raw bytes of an uploaded file into source text, or into a message a learner
/// understands (empty, too large, binary, not UTF-8 - with the byte offset and line).
/// </summary>
public static class SubmissionSource
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    public static bool TryRead(byte[] bytes, string fileName, out string text, out string? error)
        => TryRead(bytes, fileName, SubmissionLimits.Default, out text, out error);

    public static bool TryRead(byte[] bytes, string fileName, SubmissionLimits limits, out string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(limits);
        text = "";
        string name = string.IsNullOrWhiteSpace(fileName) ? "your file" : $"`{fileName}`";

        if (bytes.Length == 0)
        {
            error = $"{Capitalize(name)} is empty. Paste or upload your C# solution.";
            return false;
        }

        if (bytes.Length > limits.MaxBytes)
        {
            error = $"{Capitalize(name)} is too large: {FormatSize(bytes.Length)}, the limit is {FormatSize(limits.MaxBytes)}. " +
                    "A kata solution is one C# file of normal size; remove generated or pasted data.";
            return false;
        }

        ReadOnlySpan<byte> span = bytes;
        if (span.Length >= 2 && ((span[0] == 0xFF && span[1] == 0xFE) || (span[0] == 0xFE && span[1] == 0xFF)))
        {
            error = $"{Capitalize(name)} is saved as UTF-16. Save it as UTF-8 (the default of most editors) and submit again.";
            return false;
        }

        int offset = 0;
        if (span.StartsWith(Utf8Bom))
        {
            offset = Utf8Bom.Length;
            span = span[offset..];
        }

        int nul = span.IndexOf((byte)0);
        if (nul >= 0)
        {
            var (line, column) = LineAndColumn(bytes, offset + nul);
            error = $"{Capitalize(name)} contains a NUL byte at byte offset {offset + nul} (line {line}, column {column}): " +
                    "it looks like a binary file, not C# source text.";
            return false;
        }

        int controls = 0;
        foreach (byte b in span)
        {
            if (b is < 0x20 and not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0B and not 0x0C || b == 0x7F)
                controls++;
        }
        if (controls > limits.MaxControlCharacters)
        {
            int at = offset + IndexOfControl(span);
            var (line, column) = LineAndColumn(bytes, at);
            error = $"{Capitalize(name)} contains {controls} control characters (the first at byte offset {at}, line {line}, column {column}): " +
                    "it looks like a binary file, not C# source text.";
            return false;
        }

        // Strict UTF-8: no replacement characters, report where the first bad sequence is.
        char[] buffer = ArrayPool<char>.Shared.Rent(span.Length + 1);
        try
        {
            OperationStatus status = Utf8.ToUtf16(span, buffer, out int bytesRead, out int charsWritten, replaceInvalidSequences: false, isFinalBlock: true);
            if (status != OperationStatus.Done)
            {
                int at = offset + bytesRead;
                var (line, column) = LineAndColumn(bytes, at);
                string detail = status == OperationStatus.NeedMoreData || IsTruncatedAtEnd(bytes, at)
                    ? "the file ends in the middle of a character"
                    : $"byte 0x{bytes[at]:X2} is not valid UTF-8";
                error = $"{Capitalize(name)} is not valid UTF-8 text: {detail} at byte offset {at} (line {line}, column {column}). " +
                        "Save the file as UTF-8 and submit again.";
                return false;
            }
            text = new string(buffer, 0, charsWritten);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            text = "";
            error = $"{Capitalize(name)} contains only whitespace. Paste or upload your C# solution.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>True when the bytes from <paramref name="at"/> to the end are an unfinished multi-byte sequence.</summary>
    private static bool IsTruncatedAtEnd(byte[] bytes, int at)
    {
        if (at >= bytes.Length) return true;
        byte lead = bytes[at];
        int needed = lead switch
        {
            >= 0xC2 and <= 0xDF => 2,
            >= 0xE0 and <= 0xEF => 3,
            >= 0xF0 and <= 0xF4 => 4,
            _ => 0,
        };
        int have = bytes.Length - at;
        if (needed == 0 || have >= needed) return false;
        for (int i = at + 1; i < bytes.Length; i++)
        {
            if ((bytes[i] & 0xC0) != 0x80) return false;
        }
        return true;
    }

    private static int IndexOfControl(ReadOnlySpan<byte> span)
    {
        for (int i = 0; i < span.Length; i++)
        {
            byte b = span[i];
            if (b is < 0x20 and not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0B and not 0x0C || b == 0x7F) return i;
        }
        return 0;
    }

    /// <summary>1-based line and column (column counted in bytes) of a byte offset.</summary>
    private static (int Line, int Column) LineAndColumn(byte[] bytes, int byteOffset)
    {
        int line = 1;
        int lineStart = 0;
        int end = Math.Min(byteOffset, bytes.Length);
        for (int i = 0; i < end; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }
        if (line == 1 && bytes.AsSpan().StartsWith(Utf8Bom) && lineStart == 0) lineStart = Utf8Bom.Length;
        return (line, byteOffset - lineStart + 1);
    }

    internal static string FormatSize(long bytes) => bytes >= 1024
        ? $"{bytes / 1024.0:0.#} KiB ({bytes:N0} bytes)"
        : $"{bytes:N0} bytes";

    private static string Capitalize(string s) => s.Length > 0 && char.IsLower(s[0]) ? char.ToUpperInvariant(s[0]) + s[1..] : s;
}
