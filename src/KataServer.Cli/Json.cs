using System.Text.Json;
using KataServer.Testing.Protocol;

namespace KataServer.Cli;

internal static class Json
{
    private static readonly JsonSerializerOptions Indented = new(ProtocolJson.Options) { WriteIndented = true };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Indented);
}
