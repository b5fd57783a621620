using System.IO.Compression;
using System.Text;
using KataServer.Katas.Archives;

namespace KataServer.Katas.Tests;

public sealed class KataArchiveTests
{
    private static string KatasRoot => KataCatalog.FindDefaultRoot() ?? throw new InvalidOperationException("no katas/ folder found");

    public static TheoryData<string> BuiltInKatas()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(KatasRoot).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(folder));
        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInKatas))]
    public void EveryBuiltInKataRoundTripsThroughAZipByteForByte(string id)
    {
        var folder = Path.Combine(KatasRoot, id);
        // The zip a person makes of the folder (with the folder itself as the top entry).
        var upload = Path.Combine(Path.GetTempPath(), $"kata-{Guid.NewGuid():N}.zip");
        ZipFile.CreateFromDirectory(folder, upload, CompressionLevel.Optimal, includeBaseDirectory: true);
        try
        {
            var (imported, kata) = KataArchive.Import(File.ReadAllBytes(upload), id);
            var original = KataFiles.FromFolder(folder);

            Assert.Equal(id, kata.Id);
            AssertSameFiles(original, imported);
            var exported = KataArchive.Export(imported, id);
            AssertSameFiles(original, KataArchive.Read(exported));
            Assert.Equal(exported, KataArchive.Export(KataArchive.Read(exported), id)); // deterministic
            // The manifest, read back, is the same manifest.
            Assert.Equal(NormalisedManifest(original), NormalisedManifest(KataArchive.Read(exported)));
            Assert.Equal(KataLoader.Load(folder).Tests.Select(t => t.Text), KataLoader.Load(KataArchive.Read(exported), id, "zip").Tests.Select(t => t.Text));
        }
        finally { File.Delete(upload); }
    }

    private static string NormalisedManifest(KataFiles files) =>
        System.Text.Json.JsonSerializer.Serialize(KataLoader.ParseManifest(files.Text("kata.json")!, "kata.json"));

    private static void AssertSameFiles(KataFiles expected, KataFiles actual)
    {
        Assert.Equal(expected.Files.Keys, actual.Files.Keys);
        foreach (var (path, bytes) in expected.Files) Assert.True(bytes.AsSpan().SequenceEqual(actual.Files[path]), $"{path} differs");
    }

    [Fact]
    public void AZipWithoutATopFolderImportsToo()
    {
        var files = KataFiles.FromFolder(Path.Combine(KatasRoot, "hit-counter"));
        var flat = Zip(files.Files.Select(f => (f.Key, f.Value)).ToArray());

        var (imported, _) = KataArchive.Import(flat, "hit-counter");

        AssertSameFiles(files, imported);
    }

    [Theory]
    [InlineData("../evil.cs", "outside the kata folder")]
    [InlineData("hit-counter/../../evil.cs", "outside the kata folder")]
    [InlineData("/etc/cron.d/evil", "absolute path")]
    [InlineData("C:/Windows/evil.cs", "absolute path")]
    [InlineData("..\\evil.cs", "backslashes")]
    [InlineData("tests/weird name$.cs", "file names are letters")]
    public void EntriesThatWouldLandOutsideTheFolderAreRefused(string entry, string expected)
    {
        var zip = Zip(("kata.json", "{}"u8.ToArray()), (entry, "x"u8.ToArray()));

        var error = Assert.Throws<KataArchiveException>(() => KataArchive.Read(zip));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TooManyEntriesAreRefusedBeforeReadingThem()
    {
        var zip = Zip(Enumerable.Range(0, KataArchive.MaxEntries + 1).Select(i => ($"f{i}.cs", "x"u8.ToArray())).ToArray());

        var error = Assert.Throws<KataArchiveException>(() => KataArchive.Read(zip));

        Assert.Contains($"at most {KataArchive.MaxEntries}", error.Message);
    }

    [Fact]
    public void AZipBombIsStoppedAtTheFileCap()
    {
        // 64 MiB of spaces compresses to about 64 KiB.
        var bomb = Zip(("kata.json", "{}"u8.ToArray()), ("README.md", Encoding.ASCII.GetBytes(new string(' ', 64 * 1024 * 1024))));
        Assert.True(bomb.Length < KataArchive.MaxZipBytes);

        var error = Assert.Throws<KataArchiveException>(() => KataArchive.Read(bomb));

        Assert.Contains("README.md", error.Message);
        Assert.Contains("KiB", error.Message);
    }

    [Fact]
    public void AHeaderThatUnderstatesTheSizeDoesNotGetPastTheCap()
    {
        var zip = Zip(("kata.json", "{}"u8.ToArray()), ("README.md", Encoding.ASCII.GetBytes(new string('a', KataArchive.MaxFileBytes * 4))));
        LieAboutUncompressedSize(zip, "README.md", 10);

        // The runtime stops at the declared size, and the cap counts what comes out: nothing past it gets in.
        var files = KataArchive.Read(zip);

        Assert.True(files.Files["README.md"].Length <= 10);
    }

    [Fact]
    public void ManySmallFilesCannotAddUpPastTheTotal()
    {
        var big = Encoding.ASCII.GetBytes(new string('a', KataArchive.MaxFileBytes - 1));
        var count = KataArchive.MaxTotalBytes / big.Length + 1;
        var zip = Zip(Enumerable.Range(0, count).Select(i => ($"f{i}.md", big)).ToArray());

        var error = Assert.Throws<KataArchiveException>(() => KataArchive.Read(zip));

        Assert.Contains("unpacks to more than", error.Message);
    }

    [Fact]
    public void DuplicateEntriesAreRefused()
    {
        var zip = Zip(("kata.json", "{}"u8.ToArray()), ("starter.cs", "a"u8.ToArray()), ("Starter.cs", "b"u8.ToArray()));

        var error = Assert.Throws<KataArchiveException>(() => KataArchive.Read(zip));

        Assert.Contains("appears twice", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 9, 9 })]
    public void BytesThatAreNotAZipAreRefused(byte[] upload)
    {
        var error = Assert.Throws<KataArchiveException>(() => KataArchive.Read(upload));

        Assert.Contains("zip", error.Message);
    }

    [Fact]
    public void BinaryFilesAreRefused()
    {
        var zip = Zip(("kata.json", "{}"u8.ToArray()), ("tool.dll", new byte[] { 0x4d, 0x5a, 0, 0, 1 }));

        var error = Assert.Throws<KataArchiveException>(() => KataArchive.Read(zip));

        Assert.Contains("tool.dll", error.Message);
        Assert.Contains("not UTF-8 text", error.Message);
    }

    [Fact]
    public void AManifestWithAnotherIdIsRefused()
    {
        var files = KataFiles.FromFolder(Path.Combine(KatasRoot, "hit-counter"));

        var error = Assert.Throws<KataArchiveException>(() => KataArchive.Import(KataArchive.Export(files, "hit-counter"), "my-counter"));

        Assert.Contains("says id 'hit-counter'", error.Message);
        Assert.Contains("'my-counter'", error.Message);
    }

    [Fact]
    public void AKataWithProblemsIsRefusedNamingThem()
    {
        var files = KataFiles.FromFolder(Path.Combine(KatasRoot, "hit-counter")).Without("reference.cs");

        var error = Assert.Throws<KataFormatException>(() => KataArchive.Import(KataArchive.Export(files, "hit-counter")));

        Assert.Contains("reference.cs", error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                stream.Write(bytes);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Rewrites the uncompressed size of an entry in both the local header and the central directory.</summary>
    private static void LieAboutUncompressedSize(byte[] zip, string name, uint size)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name);
        for (var i = 0; i + 46 < zip.Length; i++)
        {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4
                && zip.AsSpan(i + 30, nameBytes.Length).SequenceEqual(nameBytes))
                BitConverter.TryWriteBytes(zip.AsSpan(i + 22, 4), size);
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2
                && zip.AsSpan(i + 46, nameBytes.Length).SequenceEqual(nameBytes))
                BitConverter.TryWriteBytes(zip.AsSpan(i + 24, 4), size);
        }
    }
}
