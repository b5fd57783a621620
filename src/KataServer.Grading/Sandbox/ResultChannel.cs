using System.IO.Pipes;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace KataServer.Grading.Sandbox;

/// <summary>Limits of the result channel.</summary>
/// <param name="MaxMessageBytes">Longest line (without its '\n'); longer is a protocol violation.</param>
/// <param name="MaxTotalBytes">Most bytes read over the whole run.</param>
public sealed record ResultChannelOptions(int MaxMessageBytes = 1024 * 1024, long MaxTotalBytes = 16L * 1024 * 1024);

/// <summary>What came on the result channel cannot be trusted (not signed with the run's key, out of sequence,
/// too long, too much, not UTF-8): the run's report is discarded.</summary>
public sealed class ResultChannelException(string message) : Exception(message);

/// <summary>
/// The grader's side of the verdict channel: an anonymous pipe whose write end becomes descriptor 3 of the runner.
/// Nothing of it exists on a file system: the sandbox launcher (outside the sandbox, started by the grader) reopens the
/// grader's write end through <c>/proc/&lt;grader&gt;/fd/N</c>, which only the grader's own uid (or root) can do, and no
/// sandboxed process can see (its pid namespace has no grader). Another grading cannot connect to it.
/// <para>
/// Every line is signed: <c>&lt;sequence&gt; &lt;HMAC-SHA256 hex&gt; &lt;json&gt;</c>, with a key made for this run and given to
/// the runner on its standard input (read and closed before any learner code loads; never in the environment or a
/// file). A line the runner did not write (learner code writing to descriptor 3), a replayed, reordered or dropped
/// line breaks the signature or the sequence, and the whole run's report is then distrusted.
/// </para>
/// </summary>
public sealed class ResultChannel : IAsyncDisposable, IDisposable
{
    /// <summary>The descriptor number the runner finds the channel at.</summary>
    public const int RunnerDescriptor = ResultChannelClient.Descriptor;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly AnonymousPipeServerStream _pipe;
    private readonly byte[] _key;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _disposeCts = new();
    private int _reading;
    private int _writeEndClosed;
    private bool _disposed;

    private ResultChannel(AnonymousPipeServerStream pipe, byte[] key, ResultChannelOptions options)
    {
        _pipe = pipe;
        _key = key;
        Options = options;
    }

    public ResultChannelOptions Options { get; }

    /// <summary>True once a correctly signed first message arrived.</summary>
    public bool HasConnected => _connected.Task.IsCompleted;

    /// <summary>True when the channel ended in the middle of a line (the runner died while writing); that tail is dropped.</summary>
    public bool IncompleteTail { get; private set; }

    /// <summary>Messages (payloads) accepted so far.</summary>
    public int MessagesRead { get; private set; }

    /// <summary>Create the pipe and the run's key.</summary>
    public static ResultChannel Create(ResultChannelOptions? options = null)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the result channel is reopened through /proc/<pid>/fd (Linux)");
        // Not inheritable (O_CLOEXEC): no process this grader starts gets it by accident, only the launcher that reopens it.
        var pipe = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.None);
        return new ResultChannel(pipe, RandomNumberGenerator.GetBytes(32), options ?? new ResultChannelOptions());
    }

    /// <summary>The command with the channel as its descriptor 3 and the key as the first line of its standard input.</summary>
    public SandboxCommand ApplyTo(SandboxCommand command) => command with
    {
        ResultDescriptor = (int)_pipe.ClientSafePipeHandle.DangerousGetHandle(),
        StandardInput = [.. Encoding.ASCII.GetBytes(Convert.ToHexString(_key) + "\n"), .. command.StandardInput ?? []],
    };

    /// <summary>Close the grader's copy of the write end (call when the runner has exited): reading then ends once every
    /// writer in the sandbox is gone. Called by the reader itself after the first signed message.</summary>
    public void StopAccepting()
    {
        if (Interlocked.Exchange(ref _writeEndClosed, 1) == 0) _pipe.DisposeLocalCopyOfClientHandle();
    }

    /// <summary>
    /// Yield each verified payload (the JSON after sequence and signature) until every writer has closed.
    /// Throws <see cref="ResultChannelException"/> on a line that is unsigned, wrongly signed or out of sequence, longer
    /// than <see cref="ResultChannelOptions.MaxMessageBytes"/>, more than <see cref="ResultChannelOptions.MaxTotalBytes"/>
    /// in total, or not UTF-8.
    /// </summary>
    public async IAsyncEnumerable<string> ReadMessagesAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0) throw new InvalidOperationException("the result channel can be read once");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposeCts.Token);
        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        long total = 0;
        long sequence = 0;
        while (true)
        {
            int n;
            try { n = await _pipe.ReadAsync(buffer, linked.Token).ConfigureAwait(false); }
            catch (ObjectDisposedException) when (_disposed) { yield break; }
            if (n == 0) break;
            total += n;
            if (total > Options.MaxTotalBytes)
                throw new ResultChannelException($"the runner sent more than {Options.MaxTotalBytes} bytes");
            int start = 0;
            for (int i = 0; i < n; i++)
            {
                if (buffer[i] != (byte)'\n') continue;
                line.Write(buffer, start, i - start);
                start = i + 1;
                var payload = Verify(Decode(line), sequence++);
                line.SetLength(0);
                MessagesRead++;
                if (_connected.TrySetResult()) StopAccepting(); // the launcher holds its own copy now
                yield return payload;
            }
            line.Write(buffer, start, n - start);
            if (line.Length > Options.MaxMessageBytes) throw TooLong();
        }
        IncompleteTail = line.Length > 0;
    }

    /// <summary>The signature of one message, as the runner computes it (see <see cref="ResultChannelClient"/>).</summary>
    internal static string Sign(byte[] key, long sequence, string json) => ResultChannelClient.Sign(key, sequence, json);

    private string Verify(string line, long expectedSequence)
    {
        var first = line.IndexOf(' ');
        var second = first < 0 ? -1 : line.IndexOf(' ', first + 1);
        if (second < 0) throw new ResultChannelException($"message {expectedSequence} is not signed");
        var sequenceText = line[..first];
        var mac = line[(first + 1)..second];
        var json = line[(second + 1)..];
        if (sequenceText != expectedSequence.ToString(System.Globalization.CultureInfo.InvariantCulture))
            throw new ResultChannelException($"message {expectedSequence} came out of sequence (numbered '{Cut(sequenceText)}')");
        var expected = Encoding.ASCII.GetBytes(Sign(_key, expectedSequence, json));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(mac)))
            throw new ResultChannelException($"message {expectedSequence} does not carry the run's signature (written by something other than the runner)");
        return json;
    }

    private static string Cut(string s) => s.Length > 20 ? s[..20] + "..." : s;

    private string Decode(MemoryStream line)
    {
        if (line.Length > Options.MaxMessageBytes) throw TooLong();
        try
        {
            var text = StrictUtf8.GetString(line.GetBuffer(), 0, (int)line.Length);
            return text.EndsWith('\r') ? text[..^1] : text;
        }
        catch (DecoderFallbackException)
        {
            throw new ResultChannelException("the runner sent invalid UTF-8");
        }
    }

    private ResultChannelException TooLong() => new($"a message is longer than {Options.MaxMessageBytes} bytes");

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _disposeCts.Cancel();
        StopAccepting();
        _pipe.Dispose();
        CryptographicOperations.ZeroMemory(_key);
        _disposeCts.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
