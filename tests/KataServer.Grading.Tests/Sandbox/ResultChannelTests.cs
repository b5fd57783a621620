using System.Text;
using KataServer.Grading.Sandbox;
using Xunit.Abstractions;
using static KataServer.Grading.Tests.Sandbox.SandboxTestSupport;

namespace KataServer.Grading.Tests.Sandbox;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ResultChannelTests(ITestOutputHelper output)
{
    private static async Task<List<string>> Collect(ResultChannel channel, CancellationToken ct = default)
    {
        var list = new List<string>();
        await foreach (var m in channel.ReadMessagesAsync(ct)) list.Add(m);
        return list;
    }

    /// <summary>The write end as the launcher opens it (through /proc), and the run's key as the runner reads it.</summary>
    private static (FileStream Writer, byte[] Key) OpenLikeTheLauncher(ResultChannel channel)
    {
        var command = channel.ApplyTo(SandboxCommand.Create("/bin/true"));
        var writer = new FileStream($"/proc/self/fd/{command.ResultDescriptor}", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
        return (writer, Convert.FromHexString(Encoding.ASCII.GetString(command.StandardInput!).Split('\n')[0]));
    }

    private static void Write(Stream stream, string line)
    {
        stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
        stream.Flush();
    }

    private static string Signed(byte[] key, long sequence, string json) => $"{sequence} {ResultChannel.Sign(key, sequence, json)} {json}";

    [Fact]
    public void The_channel_has_no_path_and_a_fresh_key_per_run()
    {
        using var a = ResultChannel.Create();
        using var b = ResultChannel.Create();
        var ca = a.ApplyTo(SandboxCommand.Create("/bin/true"));
        var cb = b.ApplyTo(SandboxCommand.Create("/bin/true"));
        Assert.NotNull(ca.ResultDescriptor);
        Assert.Empty(ca.Environment);
        Assert.Empty(ca.ReadOnlyPaths);
        Assert.StartsWith("pipe:", new FileInfo($"/proc/self/fd/{ca.ResultDescriptor}").LinkTarget);
        Assert.NotEqual(ca.StandardInput!, cb.StandardInput!);
        Assert.Equal(65, ca.StandardInput!.Length); // 32 bytes as hex and a line feed
    }

    [Fact]
    public async Task Signed_messages_in_sequence_are_read()
    {
        await using var channel = ResultChannel.Create();
        var (writer, key) = OpenLikeTheLauncher(channel);
        var reading = Collect(channel);
        using (writer)
        {
            Write(writer, Signed(key, 0, "{\"a\":1}"));
            Write(writer, Signed(key, 1, "{\"b\":\"é\"}"));
        }
        channel.StopAccepting();
        Assert.Equal(new[] { "{\"a\":1}", "{\"b\":\"é\"}" }, await reading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(channel.IncompleteTail);
    }

    public static TheoryData<string, string> Forgeries() => new()
    {
        { "unsigned", "{\"type\":\"done\"}" },
        { "wrong key", "1 " + new string('A', 64) + " {\"type\":\"done\"}" },
        { "replayed", "REPLAY" },
        { "skipped a number", "SKIP" },
        { "not utf-8", "BADUTF8" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_line_the_runner_did_not_sign_breaks_the_channel(string what, string forged)
    {
        await using var channel = ResultChannel.Create();
        var (writer, key) = OpenLikeTheLauncher(channel);
        var reading = Collect(channel);
        using (writer)
        {
            var first = Signed(key, 0, "{\"type\":\"started\"}");
            Write(writer, first);
            if (forged == "REPLAY") Write(writer, first);
            else if (forged == "SKIP") Write(writer, Signed(key, 2, "{\"type\":\"done\"}"));
            else if (forged == "BADUTF8") { writer.Write([0xff, 0xfe, (byte)'\n']); writer.Flush(); }
            else Write(writer, forged);
        }
        channel.StopAccepting();
        var e = await Assert.ThrowsAsync<ResultChannelException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
        output.WriteLine($"{what}: {e.Message}");
    }

    [Fact]
    public async Task Size_limits_are_enforced()
    {
        await using var channel = ResultChannel.Create(new ResultChannelOptions(MaxMessageBytes: 1000, MaxTotalBytes: 10_000));
        var (writer, key) = OpenLikeTheLauncher(channel);
        var reading = Collect(channel);
        using (writer)
        {
            try { for (int i = 0; i < 100; i++) Write(writer, Signed(key, i, new string('z', 500))); } catch (IOException) { }
        }
        channel.StopAccepting();
        await Assert.ThrowsAsync<ResultChannelException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Stop_without_a_writer_ends_reading()
    {
        await using var channel = ResultChannel.Create();
        var reading = Collect(channel);
        channel.StopAccepting();
        Assert.Empty(await reading.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(channel.HasConnected);
    }

    [Fact]
    public async Task Runner_in_the_sandbox_reports_over_descriptor_3_and_finds_no_key_or_path()
    {
        await using var channel = ResultChannel.Create();
        var command = channel.ApplyTo(await DotnetChildAsync("channel"));
        var reading = Collect(channel);
        var outcome = await SandboxedProcess.RunAsync(command, Limits(), Caps);
        channel.StopAccepting();
        var messages = await reading.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine(Describe(outcome));
        output.WriteLine(string.Join("\n", messages));

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("{\"verdict\":\"pass\"}", outcome.Stdout); // the garbage went to stdout, which nobody trusts
        // stdin was read to its end before anything else: no key left for learner code; no channel in env or on disk.
        Assert.Equal(new[] { "{\"event\":\"started\"}", "{\"stdin\":0,\"env\":0,\"sockets\":0,\"fd3\":\"pipe\"}", "{\"event\":\"done\"}" }, messages);
        if (HasBubblewrap)
            Assert.Contains(outcome.ActiveLayers, l => l.Contains("no network", StringComparison.Ordinal)); // and yet the channel works
    }

    [Theory]
    [InlineData("forge")]
    [InlineData("replay")]
    public async Task Code_in_the_runner_process_writing_on_descriptor_3_is_detected(string attack)
    {
        await using var channel = ResultChannel.Create();
        var command = channel.ApplyTo(await DotnetChildAsync(attack));
        var reading = Collect(channel);
        var outcome = await SandboxedProcess.RunAsync(command, Limits(), Caps);
        channel.StopAccepting();
        output.WriteLine(Describe(outcome));
        var e = await Assert.ThrowsAsync<ResultChannelException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
        output.WriteLine(e.Message);
    }

    [Fact]
    public async Task Oversized_message_from_the_sandboxed_runner_is_rejected()
    {
        await using var channel = ResultChannel.Create(new ResultChannelOptions(MaxMessageBytes: 1000));
        var command = channel.ApplyTo(await DotnetChildAsync("bigmsg", "200000"));
        var reading = Collect(channel);
        var outcome = await SandboxedProcess.RunAsync(command, Limits(), Caps);
        output.WriteLine(Describe(outcome));
        channel.StopAccepting();
        await Assert.ThrowsAsync<ResultChannelException>(() => reading.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
