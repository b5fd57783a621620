using System.Net.Sockets;
using System.Text;

namespace KataServer.Grading.Tests.Sandbox;

/// <summary>
/// A raw Unix-socket client for the in-process channel tests. The real client (ResultChannelClient.cs) is compiled into
/// both KataServer.Grading and kata-runner, so its name is ambiguous in this project; it is exercised for real by the
/// sandboxed test child, which is compiled from that very source file.
/// </summary>
internal sealed class TestChannelClient : IDisposable
{
    private readonly Socket _socket;

    private TestChannelClient(Socket socket)
    {
        _socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
    }

    public NetworkStream Stream { get; }

    public static TestChannelClient Connect(string path)
    {
        var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            s.Connect(new UnixDomainSocketEndPoint(path));
            return new TestChannelClient(s);
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    public void WriteLine(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        Stream.Write(bytes);
        Stream.Flush();
    }

    public void Dispose()
    {
        try { _socket.Shutdown(SocketShutdown.Send); } catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
        Stream.Dispose();
    }
}
