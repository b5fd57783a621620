namespace KataServer.Grading.Reports;

/// <summary>A progress event: which stage the grading is in and how far it got.</summary>
public sealed record GradeProgress(string Stage, string Message, long? Done = null, long? Total = null, string? Test = null)
{
    public const string Compile = "compile";
    public const string Police = "police";
    public const string Explore = "explore";
    public const string Stress = "stress";
    public const string Measure = "measure";
    public const string Score = "score";
}
