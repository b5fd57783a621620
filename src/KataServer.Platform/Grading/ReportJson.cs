using System.Text.Json;
using KataServer.Grading.Reports;
using KataServer.Testing.Protocol;

namespace KataServer.Platform.Grading;

/// <summary>The stored report is the JSON <c>kata grade --json</c> prints (same serializer options, not indented).</summary>
public static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new(ProtocolJson.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(GradeReport report) => JsonSerializer.Serialize(report, Options);

    public static GradeReport? Deserialize(string json) => JsonSerializer.Deserialize<GradeReport>(json, Options);
}
