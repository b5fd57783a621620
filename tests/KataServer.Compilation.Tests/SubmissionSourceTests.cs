using System.Text;

namespace KataServer.Compilation.Tests;

public class SubmissionSourceTests
{
    [Fact]
    public void Accepts_plain_utf8()
    {
        Assert.True(SubmissionSource.TryRead(Encoding.UTF8.GetBytes("public class A { } // héllo ✓"), "A.cs", out var text, out var error));
        Assert.Null(error);
        Assert.Equal("public class A { } // héllo ✓", text);
    }

    [Fact]
    public void Accepts_and_strips_utf8_bom()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("class A {}")];
        Assert.True(SubmissionSource.TryRead(bytes, "A.cs", out var text, out _));
        Assert.Equal("class A {}", text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \r\n\t  \n")]
    public void Rejects_empty_and_whitespace(string content)
    {
        Assert.False(SubmissionSource.TryRead(Encoding.UTF8.GetBytes(content), "Bank.cs", out _, out var error));
        Assert.Contains("`Bank.cs`", error);
        Assert.True(error!.Contains("empty") || error.Contains("only whitespace"), error);
    }

    [Fact]
    public void Rejects_oversized_with_size_and_limit()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('a', 300 * 1024));
        Assert.False(SubmissionSource.TryRead(bytes, "Bank.cs", out _, out var error));
        Assert.Contains("300 KiB", error);
        Assert.Contains("256 KiB", error);
    }

    [Fact]
    public void Limit_is_configurable()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('a', 2000));
        Assert.False(SubmissionSource.TryRead(bytes, "Bank.cs", new SubmissionLimits { MaxBytes = 1024 }, out _, out var error));
        Assert.Contains("1 KiB (1,024 bytes)", error);
        Assert.True(SubmissionSource.TryRead(bytes, "Bank.cs", new SubmissionLimits { MaxBytes = 4096 }, out _, out _));
    }

    [Fact]
    public void Rejects_binary_with_nul_and_position()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("class A {}\nclass B"), 0, 1, 2];
        Assert.False(SubmissionSource.TryRead(bytes, "Bank.cs", out _, out var error));
        Assert.Contains("NUL", error);
        Assert.Contains("line 2", error);
        Assert.Contains("binary", error);
    }

    [Fact]
    public void Rejects_many_control_characters()
    {
        var rnd = new Random(1);
        byte[] bytes = Enumerable.Range(0, 500).Select(_ => (byte)rnd.Next(1, 31)).ToArray();
        Assert.False(SubmissionSource.TryRead(bytes, "Bank.cs", out _, out var error));
        Assert.Contains("control characters", error);
    }

    [Fact]
    public void Tolerates_a_few_control_characters()
    {
        Assert.True(SubmissionSource.TryRead(Encoding.UTF8.GetBytes("class A {} // \u001b[0m\f"), "Bank.cs", out _, out _));
    }

    [Fact]
    public void Rejects_invalid_utf8_with_offset_and_line()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("class A {}\n// caf"), 0xE9, .. Encoding.UTF8.GetBytes(" latin-1\n")];
        Assert.False(SubmissionSource.TryRead(bytes, "Bank.cs", out _, out var error));
        Assert.Contains("not valid UTF-8", error);
        Assert.Contains("byte offset 17", error);
        Assert.Contains("line 2, column 7", error);
        Assert.Contains("0xE9", error);
    }

    [Fact]
    public void Rejects_truncated_utf8()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("class A {} // "), 0xE2, 0x9C];
        Assert.False(SubmissionSource.TryRead(bytes, "Bank.cs", out _, out var error));
        Assert.Contains("ends in the middle of a character", error);
    }

    [Fact]
    public void Rejects_utf16_with_advice()
    {
        byte[] bytes = [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("class A {}")];
        Assert.False(SubmissionSource.TryRead(bytes, "Bank.cs", out _, out var error));
        Assert.Contains("UTF-16", error);
    }
}
