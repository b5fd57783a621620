using System.Text;

namespace KataServer.Scheduling;

/// <summary>
/// Compact, copy-pasteable encoding of one schedule: "ks1." + base64url(varints):
/// [strategy name length, UTF-8 name bytes, seed, choice count, choices...]. Choices are the indices chosen at
/// every decision with two or more enabled operations (and controlled-nondeterminism values), in order.
/// </summary>
public sealed record ReplayToken(string Strategy, ulong Seed, IReadOnlyList<int> Choices)
{
    private const string Prefix = "ks1.";

    public string Encode()
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

        return Prefix + Convert.ToBase64String(bytes.ToArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static ReplayToken Decode(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        token = token.Trim();
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException("Not a KataServer replay token (expected the 'ks1.' prefix).");
        }

        string b64 = token[Prefix.Length..].Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        byte[] bytes = Convert.FromBase64String(b64);
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

        return new ReplayToken(name, seed, choices);
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
