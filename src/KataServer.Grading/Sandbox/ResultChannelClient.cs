// Self-contained: this file is linked into the runner project. No dependency beyond the BCL.
using System;
using System.IO;
using System.Net.Sockets;
using System.Text;

namespace KataServer.Grading.Sandbox;

/// <summary>
/// The runner's side of the result channel: connect FIRST THING at startup (before any learner assembly is loaded),
/// then write one JSON document per line. The grader accepts exactly one connection, so once the runner holds it,
/// learner code cannot open another one; stdout is never read as the verdict.
/// </summary>
public static class ResultChannelClient
{
    /// <summary>Environment variable holding the socket path inside the sandbox.</summary>
    public const string EnvironmentVariable = "KATA_RESULT_SOCKET";

    /// <summary>Connect to the Unix domain socket at <paramref name="socketPath"/>.</summary>
    public static Writer Connect(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return new Writer(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connect to the socket named by <see cref="EnvironmentVariable"/> and remove the variable from this
    /// process's environment (learner code has no use for it). Throws when the variable is missing.</summary>
    public static Writer ConnectFromEnvironment()
    {
        string path = Environment.GetEnvironmentVariable(EnvironmentVariable)
                      ?? throw new InvalidOperationException($"{EnvironmentVariable} is not set");
        var writer = Connect(path);
        Environment.SetEnvironmentVariable(EnvironmentVariable, null);
        return writer;
    }

    /// <summary>Writes newline-delimited UTF-8 messages; thread-safe; every line is flushed at once.</summary>
    public sealed class Writer : IDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly object _gate = new();

        internal Writer(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
        }

        /// <summary>The connected stream, for callers that want to write themselves.</summary>
        public Stream Stream => _stream;

        /// <summary>Send one message (a JSON document without raw newlines) followed by '\n'.</summary>
        public void WriteLine(string json)
        {
            ArgumentNullException.ThrowIfNull(json);
            if (json.Contains('\n') || json.Contains('\r'))
                throw new ArgumentException("a message must be a single line (serialize JSON without indentation)", nameof(json));
            byte[] bytes = Encoding.UTF8.GetBytes(json + "\n");
            lock (_gate)
            {
                _stream.Write(bytes, 0, bytes.Length);
                _stream.Flush();
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                try { _socket.Shutdown(SocketShutdown.Send); }
                catch (SocketException) { }
                catch (ObjectDisposedException) { }
                _stream.Dispose();
            }
        }
    }
}
