using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace KataServer.Testing.Protocol;

public static class ProtocolJson
{
    /// <summary>
    /// The protocol's JSON (camelCase, nulls left out, enums as kebab-case strings). The runner's own messages and
    /// request are read and written through source-generated metadata (<see cref="ProtocolJsonContext"/>): a runner
    /// process is short-lived, and building the same metadata by reflection cost it 0.1-0.3 s at every start. Other
    /// types (the grade report, which hosts copy these options for) fall back to reflection.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ProtocolJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}

[JsonSerializable(typeof(RunRequest))]
[JsonSerializable(typeof(RunnerMessage))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
