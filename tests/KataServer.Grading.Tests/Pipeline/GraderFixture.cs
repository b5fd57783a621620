using KataServer.Grading.Pipeline;
using KataServer.Grading.Reports;
using KataServer.Katas;
using System.Text;

namespace KataServer.Grading.Tests.Pipeline;

/// <summary>One warm grader shared by the tests of a class (as a worker would hold one).</summary>
public sealed class GraderFixture
{
    public Grader Grader { get; } = new(new GraderOptions());

    public Task<GradeReport> GradeAsync(Kata kata, string source, GradeMode mode = GradeMode.All, string fileName = "Solution.cs") =>
        Grader.GradeAsync(new GradeRequest(kata, Encoding.UTF8.GetBytes(source), fileName) { Mode = mode });

    public Task<GradeReport> GradeBytesAsync(Kata kata, byte[] source, GradeMode mode = GradeMode.All) =>
        Grader.GradeAsync(new GradeRequest(kata, source, "Solution.cs") { Mode = mode });
}
