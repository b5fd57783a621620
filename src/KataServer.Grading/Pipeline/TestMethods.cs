using Microsoft.CodeAnalysis;

namespace KataServer.Grading.Pipeline;

/// <summary>Methods of a compiled kata test assembly that carry one of the KataServer.Testing attributes.</summary>
internal static class TestMethods
{
    public static IEnumerable<IMethodSymbol> MarkedWith(Microsoft.CodeAnalysis.Compilation tests, string attributeName) =>
        tests.GetSymbolsWithName(_ => true, SymbolFilter.Member)
            .OfType<IMethodSymbol>()
            .Where(m => m.GetAttributes().Any(a => a.AttributeClass?.Name == attributeName));
}
