using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace KataServer.Grading.Sandbox;

/// <summary>Limits of the result channel.</summary>
/// <param name="MaxMessageBytes">Longest line (without its '\n'); longer is a protocol violation.</param>
/// <param name="MaxTotalBytes">Most bytes read over the whole connection.</param>
public sealed record ResultChannelOptions(int MaxMessageBytes = 1024 * 1024, long MaxTotalBytes = 16L * 1024 * 1024);

/// <summary>The runner broke the result protocol (message too long, too much data, invalid UTF-8).</summary>
public sealed class ResultChannelException(string message) : Exception(message);

/// <summary>
/// The grader's side of the verdict channel: a Unix domain socket in a private directory (0711, socket 0666 so uid 65534
/// inside the sandbox can connect, nobody can list or replace it). Exactly ONE connection is accepted (the runner makes it
/// before any learner code is loaded); later connections are closed at once and counted in <see cref="RejectedConnections"/>.
/// Messages are newline-delimited UTF-8 (JSON) lines. Works across bubblewrap's network namespace because the socket
/// is a filesystem path, bound read-only into the sandbox.
/// </summary>
public sealed class ResultChannel : IAsyncDisposable, IDisposable
{
    /// <summary>Environment variable that tells the runner where the socket is.</summary>
    public const string EnvironmentVariable = ResultChannelClient.EnvironmentVariable;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Socket _listener;
    private readonly TaskCompletionSource<Socket> _connection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _disposeCts = new();
    private readonly Task _acceptLoop;
    private int _rejected;
    private int _reading;
    private bool _disposed;

    private ResultChannel(string directory, string socketPath, Socket listener, ResultChannelOptions options)
    {
        DirectoryPath = directory;
        SocketPath = socketPath;
        _listener = listener;
        Options = options;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The private directory holding the socket (bind it into the sandbox).</summary>
    public string DirectoryPath { get; }

    /// <summary>Absolute path of the socket, the value of <see cref="EnvironmentVariable"/>.</summary>
    public string SocketPath { get; }

    public ResultChannelOptions Options { get; }

    /// <summary>Connections after the first one (each closed at once): a sign of tampering.</summary>
    public int RejectedConnections => Volatile.Read(ref _rejected);

    /// <summary>True once the runner has connected.</summary>
    public bool HasConnected => _connection.Task.IsCompletedSuccessfully;

    /// <summary>True when the connection ended in the middle of a line (the runner died while writing); that tail is dropped.</summary>
    public bool IncompleteTail { get; private set; }

    /// <summary>Create the directory and socket and start listening.</summary>
    public static ResultChannel Create(ResultChannelOptions? options = null)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("the result channel needs Unix domain sockets with file modes");
        string tempRoot = Path.GetTempPath();
        if (tempRoot.Length > 50) tempRoot = "/tmp"; // sun_path is at most 107 bytes
        string dir = Path.Combine(tempRoot, "kata-rc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Socket? listener = null;
        try
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                      UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            string socketPath = Path.Combine(dir, "result.sock");
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead |
                                             UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
            listener.Listen(8);
            return new ResultChannel(dir, socketPath, listener, options ?? new ResultChannelOptions());
        }
        catch
        {
            listener?.Dispose();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>The command with <see cref="EnvironmentVariable"/> set and the socket directory bound read-only.</summary>
    public SandboxCommand ApplyTo(SandboxCommand command)
    {
        var env = new Dictionary<string, string>(command.Environment) { [EnvironmentVariable] = SocketPath };
        var paths = command.ReadOnlyPaths.Append(DirectoryPath).Distinct().ToList();
        return command with { Environment = env, ReadOnlyPaths = paths };
    }

    /// <summary>Stop waiting for a connection (call when the child has exited): <see cref="ReadMessagesAsync"/> then ends
    /// without messages if the runner never connected. An established connection is read to its end regardless.</summary>
    public void StopAccepting() => _stopped.TrySetResult();

    /// <summary>
    /// Wait for the runner's connection and yield each line until it closes. Can be enumerated once.
    /// Throws <see cref="ResultChannelException"/> on a line longer than <see cref="ResultChannelOptions.MaxMessageBytes"/>,
    /// more than <see cref="ResultChannelOptions.MaxTotalBytes"/> in total, or invalid UTF-8.
    /// </summary>
    public async IAsyncEnumerable<string> ReadMessagesAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0) throw new InvalidOperationException("the result channel can be read once");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _disposeCts.Token);
        var cancelled = Task.Delay(Timeout.Infinite, linked.Token);
        await Task.WhenAny(_connection.Task, _stopped.Task, cancelled).ConfigureAwait(false);
        if (!_connection.Task.IsCompleted)
        {
            ct.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_disposed, this);
            yield break; // stopped before anyone connected
        }
        var socket = await _connection.Task.ConfigureAwait(false);
        await using var stream = new NetworkStream(socket, ownsSocket: true);

        var buffer = new byte[64 * 1024];
        var line = new MemoryStream();
        long total = 0;
        while (true)
        {
            int n = await stream.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
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
                yield return Decode(line);
                line.SetLength(0);
            }
            line.Write(buffer, start, n - start);
            if (line.Length > Options.MaxMessageBytes) throw TooLong();
        }
        IncompleteTail = line.Length > 0;
    }

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

    private async Task AcceptLoopAsync()
    {
        while (!_disposeCts.IsCancellationRequested)
        {
            Socket accepted;
            try { accepted = await _listener.AcceptAsync(_disposeCts.Token).ConfigureAwait(false); }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            if (!_connection.TrySetResult(accepted))
            {
                Interlocked.Increment(ref _rejected);
                accepted.Dispose();
            }
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _disposeCts.Cancel();
        _listener.Dispose();
        _stopped.TrySetResult();
        if (_connection.Task.IsCompletedSuccessfully && Volatile.Read(ref _reading) == 0)
            _connection.Task.Result.Dispose();
        try { _acceptLoop.Wait(TimeSpan.FromSeconds(1)); }
        catch (AggregateException) { }
        try { Directory.Delete(DirectoryPath, recursive: true); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        _disposeCts.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
