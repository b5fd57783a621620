using System.Text.Json;
using KataServer.Testing.Protocol;

namespace KataServer.Cli;

internal static class Json
{
    private static readonly JsonSerializerOptions Indented = new(ProtocolJson.Options)
    {
        WriteIndented = true,
        // Output for people and tools, not for embedding in HTML: keep '+', '<' and quotes readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Indented);
}
