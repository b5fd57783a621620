using System.Text.Json;
using KataServer.Grading.Sandbox;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>The runner's end of the grader's result channel: one <see cref="RunnerMessage"/> per line.</summary>
public sealed class ResultChannel(ResultChannelClient.Writer writer) : IDisposable
{
    /// <summary>Connects to the socket the grader named in KATA_RESULT_SOCKET, and forgets the name.</summary>
    public static ResultChannel Connect() => new(ResultChannelClient.ConnectFromEnvironment());

    public void Send(RunnerMessage message) => writer.WriteLine(JsonSerializer.Serialize(message, ProtocolJson.Options));

    public void Dispose() => writer.Dispose();
}
