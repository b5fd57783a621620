using System.IO.Compression;
using System.Text;

namespace KataServer.Scheduling;

/// <summary>
/// Compact, copy-pasteable encoding of one schedule: "ks1." + base64url(varints), or "ks2." + base64url(Brotli(varints))
/// when that is shorter (long hangs repeat the same few choices, so they shrink a lot).
/// The varints: [strategy name length, UTF-8 name bytes, seed, choice count, choices..., and optionally the clock epoch:
/// UTC ticks, Stopwatch timestamp, TickCount64]. Choices are the indices chosen at every decision with two or more
/// enabled operations (and controlled-nondeterminism values), in order. The epoch is where the finding's virtual clocks
/// started (the real clocks of the process that found it), so code whose path depends on a clock's absolute value
/// replays exactly in another process; a token without one replays on the replaying process's clocks.
/// </summary>
public sealed record ReplayToken(string Strategy, ulong Seed, IReadOnlyList<int> Choices)
{
    /// <summary>The real clock values the schedule's virtual time started from (null: the replaying process's).</summary>
    public ClockEpoch? Clock { get; init; }

    private const string PlainPrefix = "ks1.";
    private const string CompressedPrefix = "ks2.";

    /// <summary>A token never expands beyond this: it comes from users, so a crafted one must not exhaust memory.</summary>
    private const int MaxDecodedBytes = 8 * 1024 * 1024;

    public string Encode()
    {
        byte[] plain = ToVarints();
        if (plain.Length > 64)
        {
            byte[] compressed = Compress(plain);
            if (compressed.Length < plain.Length)
            {
                return CompressedPrefix + ToBase64Url(compressed);
            }
        }

        return PlainPrefix + ToBase64Url(plain);
    }

    private byte[] ToVarints()
    {
        var bytes = new List<byte>(16 + Choices.Count);
        byte[] name = Encoding.UTF8.GetBytes(Strategy);
        WriteVarint(bytes, (ulong)name.Length);
        bytes.AddRange(name);
        WriteVarint(bytes, Seed);
        WriteVarint(bytes, (ulong)Choices.Count);
        foreach (int c in Choices)
        {
            WriteVarint(bytes, (ulong)c);
        }

        if (Clock is { } clock)
        {
            WriteVarint(bytes, (ulong)clock.UtcTicks);
            WriteVarint(bytes, (ulong)clock.Timestamp);
            WriteVarint(bytes, (ulong)clock.TickCount64);
        }

        return bytes.ToArray();
    }

    public static ReplayToken Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        token = token.Trim();
        byte[] bytes = token.StartsWith(PlainPrefix, StringComparison.Ordinal) ? FromBase64Url(token[PlainPrefix.Length..])
            : token.StartsWith(CompressedPrefix, StringComparison.Ordinal) ? Decompress(FromBase64Url(token[CompressedPrefix.Length..]))
            : throw new FormatException("Not a KataServer replay token (expected the 'ks1.' or 'ks2.' prefix).");
        int pos = 0;
        int nameLength = checked((int)ReadVarint(bytes, ref pos));
        if (nameLength < 0 || pos + nameLength > bytes.Length)
        {
            throw new FormatException("Corrupt replay token.");
        }

        string name = Encoding.UTF8.GetString(bytes, pos, nameLength);
        pos += nameLength;
        ulong seed = ReadVarint(bytes, ref pos);
        int count = checked((int)ReadVarint(bytes, ref pos));
        var choices = new List<int>(Math.Min(count, bytes.Length));
        for (int i = 0; i < count; i++)
        {
            choices.Add(checked((int)ReadVarint(bytes, ref pos)));
        }

        ClockEpoch? clock = null;
        if (pos != bytes.Length)
        {
            clock = new ClockEpoch((long)ReadVarint(bytes, ref pos), (long)ReadVarint(bytes, ref pos), (long)ReadVarint(bytes, ref pos));
            if (!clock.Value.IsPlausible)
            {
                throw new FormatException("Corrupt replay token (its clock values are out of range).");
            }
        }

        if (pos != bytes.Length)
        {
            throw new FormatException("Corrupt replay token (bytes after the clock epoch).");
        }

        return new ReplayToken(name, seed, choices) { Clock = clock };
    }

    private static string ToBase64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        string b64 = text.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(b64);
        }
        catch (FormatException)
        {
            throw new FormatException("Corrupt replay token (not base64url).");
        }
    }

    private static byte[] Compress(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var brotli = new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            brotli.Write(plain);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] compressed)
    {
        using var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = brotli.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxDecodedBytes)
                {
                    throw new FormatException("Corrupt replay token (expands beyond 8 MiB).");
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException)
        {
            throw new FormatException("Corrupt replay token (bad compressed data).");
        }

        return output.ToArray();
    }

    private static void WriteVarint(List<byte> bytes, ulong v)
    {
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }

        bytes.Add((byte)v);
    }

    private static ulong ReadVarint(byte[] bytes, ref int pos)
    {
        ulong v = 0;
        int shift = 0;
        while (true)
        {
            if (pos >= bytes.Length || shift > 63)
            {
                throw new FormatException("Corrupt replay token.");
            }

            byte b = bytes[pos++];
            v |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return v;
            }

            shift += 7;
        }
    }
}
