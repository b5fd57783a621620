using KataServer.Rewriting;
using KataServer.Scheduling.Interception;

namespace KataServer.Rewriting.Tests;

/// <summary>Collection calls are scheduling points in learner code only, like field accesses.</summary>
public class SharedMemoryAccessTests
{
    private static readonly Lazy<InterceptionMap> RealMap = new(() => InterceptionMap.FromAssembly(typeof(InterceptsAttribute).Assembly));

    private const string Source = """
        using System.Collections.Generic;
        public sealed class Stock
        {
            private readonly Dictionary<string, int> _units = new() { ["a"] = 1 };
            public void Take(string sku) { if (_units[sku] > 0) _units[sku] = _units[sku] - 1; }
        }
        """;

    [Fact]
    public void Dictionary_calls_are_replaced_in_learner_code()
    {
        var compiled = Snippets.Compile(Source, "Submission");

        var learner = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.Learner, RealMap.Value);

        Assert.Contains(learner.Report.ReplacedCalls.Keys, api => api.Contains("Dictionary`2::get_Item", StringComparison.Ordinal));
        Assert.Contains(learner.Report.ReplacedCalls.Keys, api => api.Contains("Dictionary`2::set_Item", StringComparison.Ordinal));
    }

    [Fact]
    public void Dictionary_calls_are_left_alone_in_kata_tests()
    {
        var compiled = Snippets.Compile(Source, "KataTests");

        var tests = AssemblyRewriter.Rewrite(compiled.Dll, compiled.Pdb, RewriteOptions.KataTests, RealMap.Value);

        Assert.DoesNotContain(tests.Report.ReplacedCalls.Keys, api => api.Contains("Dictionary", StringComparison.Ordinal));
        Assert.DoesNotContain(tests.Report.UncontrolledApis.Keys, api => api.Contains("Dictionary", StringComparison.Ordinal));
    }
}
