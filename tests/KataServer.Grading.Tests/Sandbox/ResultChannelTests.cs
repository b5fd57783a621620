using System.Net.Sockets;
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

    [Fact]
    public async Task Socket_is_private_but_connectable()
    {
        await using var channel = ResultChannel.Create();
        Assert.Equal((UnixFileMode)0b111_001_001, File.GetUnixFileMode(channel.DirectoryPath));
        Assert.Equal((UnixFileMode)0b110_110_110, File.GetUnixFileMode(channel.SocketPath) & (UnixFileMode)0b111_111_111);
        var reading = Collect(channel);
        using (var w = TestChannelClient.Connect(channel.SocketPath))
        {
            w.WriteLine("{\"a\":1}");
            w.WriteLine("{\"b\":\"é\"}");
        }
        Assert.Equal(new[] { "{\"a\":1}", "{\"b\":\"é\"}" }, await reading);
        Assert.False(channel.IncompleteTail);
    }

    [Fact]
    public async Task Only_the_first_connection_is_accepted()
    {
        await using var channel = ResultChannel.Create();
        var reading = Collect(channel);
        using var first = TestChannelClient.Connect(channel.SocketPath);
        first.WriteLine("first");
        await WaitUntil(() => channel.HasConnected);
        using (var second = TestChannelClient.Connect(channel.SocketPath))
        {
            try { second.WriteLine("forged"); } catch (IOException) { }
            second.Stream.ReadTimeout = 5000;
            int n;
            try { n = second.Stream.Read(new byte[1], 0, 1); } catch (IOException) { n = 0; } // reset: closed with our data unread
            Assert.Equal(0, n); // closed by the grader
        }
        await WaitUntil(() => channel.RejectedConnections == 1);
        first.WriteLine("last");
        first.Dispose();
        Assert.Equal(new[] { "first", "last" }, await reading);
        Assert.Equal(1, channel.RejectedConnections);
    }

    [Fact]
    public async Task Message_size_limit_is_enforced()
    {
        await using var channel = ResultChannel.Create(new ResultChannelOptions(MaxMessageBytes: 100));
        var reading = Collect(channel);
        using var w = TestChannelClient.Connect(channel.SocketPath);
        w.WriteLine(new string('x', 100));
        try { w.WriteLine(new string('y', 100_000)); } catch (IOException) { }
        w.Dispose();
        await Assert.ThrowsAsync<ResultChannelException>(() => reading);
    }

    [Fact]
    public async Task Total_size_limit_is_enforced()
    {
        await using var channel = ResultChannel.Create(new ResultChannelOptions(MaxMessageBytes: 1000, MaxTotalBytes: 10_000));
        var reading = Collect(channel);
        using var w = TestChannelClient.Connect(channel.SocketPath);
        try { for (int i = 0; i < 100; i++) w.WriteLine(new string('z', 500)); } catch (IOException) { }
        w.Dispose();
        await Assert.ThrowsAsync<ResultChannelException>(() => reading);
    }

    [Fact]
    public async Task Invalid_utf8_is_a_protocol_violation()
    {
        await using var channel = ResultChannel.Create();
        var reading = Collect(channel);
        using var w = TestChannelClient.Connect(channel.SocketPath);
        w.Stream.Write(new byte[] { 0xff, 0xfe, (byte)'\n' });
        w.Dispose();
        await Assert.ThrowsAsync<ResultChannelException>(() => reading);
    }

    [Fact]
    public async Task Stop_without_connection_ends_reading_and_dispose_removes_the_directory()
    {
        var channel = ResultChannel.Create();
        var reading = Collect(channel);
        channel.StopAccepting();
        Assert.Empty(await reading);
        Assert.False(channel.HasConnected);
        channel.Dispose();
        Assert.False(Directory.Exists(channel.DirectoryPath));
        Assert.ThrowsAny<SocketException>(() => TestChannelClient.Connect(channel.SocketPath));
    }

    [Fact]
    public async Task Runner_in_the_sandbox_reports_over_the_channel_and_cannot_forge_it()
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
        Assert.Equal(new[] { "{\"event\":\"started\"}", "{\"second\":\"closed\"}", "{\"event\":\"done\"}" }, messages);
        Assert.Equal(1, channel.RejectedConnections);
        if (HasBubblewrap)
            Assert.Contains(outcome.ActiveLayers, l => l.Contains("no network", StringComparison.Ordinal)); // and yet the socket works
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

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition());
    }
}
