using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace KataServer.Testing.Protocol;

/// <summary>
/// Everything one runner process is given, sent on its standard input after the result channel's key and read to the
/// end before any learner code loads: the request and the assemblies (with their PDBs) as bytes. Nothing of it exists
/// as a file inside the sandbox, so learner code finds the hidden tests and the reference under no path, descriptor,
/// mapping (/proc/self/maps) or argument: the runner loads them from memory.
/// Format: parts, each <c>int32 name length, name (UTF-8), int32 length, bytes</c> (big-endian), until the end.
/// </summary>
public sealed class RunInput
{
    public const string SubmissionDll = "submission.dll";
    public const string SubmissionPdb = "submission.pdb";
    public const string TestsDll = "tests.dll";
    public const string TestsPdb = "tests.pdb";
    public const string ReferenceDll = "reference.dll";
    public const string ReferencePdb = "reference.pdb";
    public const string ReferenceTestsDll = "reference-tests.dll";
    public const string ReferenceTestsPdb = "reference-tests.pdb";
    private const string RequestPart = "request.json";

    /// <summary>No run is given more than this (assemblies of a kata are tens of kilobytes).</summary>
    public const int MaxTotalBytes = 256 * 1024 * 1024;

    private readonly Dictionary<string, byte[]> parts;

    public RunInput(RunRequest request, IReadOnlyDictionary<string, byte[]> assemblies)
    {
        Request = request;
        parts = new Dictionary<string, byte[]>(assemblies, StringComparer.Ordinal);
    }

    public RunRequest Request { get; }

    /// <summary>The bytes of one part (<see cref="SubmissionDll"/>...); null when it was not sent.</summary>
    public byte[]? Part(string name) => parts.GetValueOrDefault(name);

    /// <summary>A required part; throws naming it when it was not sent.</summary>
    public byte[] Required(string name) => Part(name) ?? throw new InvalidDataException($"the run's input lacks {name}");

    /// <summary>Zeroes every assembly's bytes (once loaded, the runner keeps no copy learner code could find in memory).</summary>
    public void Forget()
    {
        foreach (var bytes in parts.Values) Array.Clear(bytes);
        parts.Clear();
    }

    public void WriteTo(Stream output)
    {
        WritePart(output, RequestPart, JsonSerializer.SerializeToUtf8Bytes(Request, ProtocolJson.Options));
        foreach (var (name, bytes) in parts) WritePart(output, name, bytes);
    }

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Reads parts until the end of <paramref name="input"/>.</summary>
    public static RunInput ReadFrom(Stream input)
    {
        var read = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        long total = 0;
        byte[]? request = null;
        while (ReadLength(input, allowEnd: true) is { } nameLength)
        {
            if (nameLength is < 1 or > 256) throw new InvalidDataException("a part of the run's input has a bad name");
            var name = Encoding.UTF8.GetString(ReadExactly(input, nameLength));
            var length = ReadLength(input, allowEnd: false)!.Value;
            total += length;
            if (length < 0 || total > MaxTotalBytes) throw new InvalidDataException("the run's input is too large");
            var bytes = ReadExactly(input, length);
            if (name == RequestPart) request = bytes;
            else if (!read.TryAdd(name, bytes)) throw new InvalidDataException($"the run's input has {name} twice");
        }

        if (request is null) throw new InvalidDataException("the run's input has no request");
        var runRequest = JsonSerializer.Deserialize<RunRequest>(request, ProtocolJson.Options) ?? throw new InvalidDataException("empty run request");
        return new RunInput(runRequest, read);
    }

    private static void WritePart(Stream output, string name, byte[] bytes)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, nameBytes.Length);
        output.Write(length);
        output.Write(nameBytes);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        output.Write(length);
        output.Write(bytes);
    }

    private static int? ReadLength(Stream input, bool allowEnd)
    {
        var bytes = new byte[4];
        var got = 0;
        while (got < 4)
        {
            var n = input.Read(bytes, got, 4 - got);
            if (n == 0)
            {
                if (got == 0 && allowEnd) return null;
                throw new EndOfStreamException("the run's input ended in the middle of a part");
            }
            got += n;
        }
        return BinaryPrimitives.ReadInt32BigEndian(bytes);
    }

    private static byte[] ReadExactly(Stream input, int length)
    {
        var bytes = new byte[length];
        input.ReadExactly(bytes);
        return bytes;
    }
}
