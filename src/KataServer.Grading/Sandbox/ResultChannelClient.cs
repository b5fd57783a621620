// Self-contained: this file is linked into the runner project. No dependency beyond the BCL.
using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace KataServer.Grading.Sandbox;

/// <summary>
/// The runner's side of the result channel: open it FIRST THING at startup, before any learner assembly is loaded.
/// The channel is inherited descriptor 3 (no path, nothing another process can connect to); the run's signing key is
/// the first line of standard input, which is read to its end (the rest is the run's input) before learner code loads,
/// so learner code finds neither.
/// Each message is one line: <c>&lt;sequence&gt; &lt;HMAC-SHA256(key, "sequence json") hex&gt; &lt;json&gt;</c>.
/// </summary>
public static class ResultChannelClient
{
    /// <summary>The descriptor the sandbox launcher gives the runner its channel on.</summary>
    public const int Descriptor = 3;

    /// <summary>Open descriptor 3 and read the run's key from standard input (then drained and closed). Throws when either is missing.</summary>
    public static Writer OpenInherited()
    {
        using var input = Console.OpenStandardInput();
        var writer = OpenInherited(input);
        var buffer = new byte[4096];
        while (input.Read(buffer, 0, buffer.Length) > 0) { }
        return writer;
    }

    /// <summary>Open descriptor 3 with the key read from the first line of <paramref name="input"/>; the rest of it (the
    /// run's inputs) is left for the caller, who must read it to its end before any learner code loads.</summary>
    public static Writer OpenInherited(Stream input)
    {
        byte[] key = ReadKey(input);
        var handle = new SafeFileHandle((IntPtr)Descriptor, ownsHandle: true);
        if (handle.IsInvalid) throw new InvalidOperationException($"descriptor {Descriptor} (the result channel) is not open");
        var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0);
        return new Writer(stream, key);
    }

    /// <summary>The first line of <paramref name="input"/> as hex; the stream stays open after it.</summary>
    internal static byte[] ReadKey(Stream input)
    {
        var hex = new StringBuilder();
        int b;
        while ((b = input.ReadByte()) >= 0 && b != '\n')
        {
            if (hex.Length > 256) throw new InvalidOperationException("the result channel's key is too long");
            hex.Append((char)b);
        }
        if (hex.Length == 0) throw new InvalidOperationException("no key for the result channel on standard input");
        return Convert.FromHexString(hex.ToString());
    }

    /// <summary>The signature of message number <paramref name="sequence"/>.</summary>
    public static string Sign(byte[] key, long sequence, string json) =>
        Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sequence.ToString(CultureInfo.InvariantCulture) + " " + json)));

    /// <summary>Writes signed, numbered, newline-delimited UTF-8 messages; thread-safe; every line is written at once.</summary>
    public sealed class Writer : IDisposable
    {
        private readonly Stream _stream;
        private readonly byte[] _key;
        private readonly object _gate = new();
        private long _sequence;

        internal Writer(Stream stream, byte[] key)
        {
            _stream = stream;
            _key = key;
        }

        /// <summary>Messages written so far.</summary>
        public long Sent => _sequence;

        /// <summary>Send one message (a JSON document without raw newlines).</summary>
        public void WriteLine(string json)
        {
            ArgumentNullException.ThrowIfNull(json);
            if (json.Contains('\n') || json.Contains('\r'))
                throw new ArgumentException("a message must be a single line (serialize JSON without indentation)", nameof(json));
            lock (_gate)
            {
                long n = _sequence++;
                byte[] bytes = Encoding.UTF8.GetBytes(n.ToString(CultureInfo.InvariantCulture) + " " + Sign(_key, n, json) + " " + json + "\n");
                _stream.Write(bytes, 0, bytes.Length);
                _stream.Flush();
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                CryptographicOperations.ZeroMemory(_key);
                _stream.Dispose();
            }
        }
    }
}
