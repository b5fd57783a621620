using System.Text.Json;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

internal static class RequestFile
{
    public static RunRequest Read(string path) =>
        JsonSerializer.Deserialize<RunRequest>(File.ReadAllText(path), ProtocolJson.Options)
        ?? throw new InvalidOperationException($"empty run request in {path}");
}
