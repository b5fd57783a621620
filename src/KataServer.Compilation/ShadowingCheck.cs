using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KataServer.Compilation;

/// <summary>
/// Finds names the hidden tests import (compilation-unit usings, global usings) that a submission
/// hides by declaring a global-namespace type of the same name and arity: C# looks up global types
/// before imported ones, so a learner `Assert`, `Task` or `Parallel` would replace the real one in the
/// tests. Reported only when the tests actually bind to such a submission type.
/// </summary>
internal static class ShadowingCheck
{
    /// <param name="contractTypeNames">
    /// Global type names of the kata's reference solution, when known: those are the contract, every
    /// other shadowing name is reported. When unknown (null), only names imported from the grader's own
    /// libraries (not the framework) are reported, since a contract type may legitimately share a name
    /// with a framework type (a kata's `Barrier`, say).
    /// </param>
    public static IReadOnlyList<CompilerDiagnostic> Find(CSharpCompilation compilation, IReadOnlyList<SyntaxTree> testTrees, IAssemblySymbol submission, ISet<string>? contractTypeNames)
    {
        var imported = new HashSet<(string Name, int Arity)>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var root = tree.GetCompilationUnitRoot();
            var usings = testTrees.Contains(tree) ? root.Usings : root.Usings.Where(u => u.GlobalKeyword.IsKind(SyntaxKind.GlobalKeyword));
            var model = compilation.GetSemanticModel(tree);
            foreach (var u in usings)
            {
                if (u.Alias is not null) continue;
                var target = u.NamespaceOrType is null ? null : model.GetSymbolInfo(u.NamespaceOrType).Symbol;
                var types = target switch
                {
                    INamespaceSymbol ns => ns.GetTypeMembers(),
                    INamedTypeSymbol t => t.GetTypeMembers(),
                    _ => [],
                };
                foreach (var t in types)
                {
                    if (contractTypeNames is null && IsFramework(t.ContainingAssembly)) continue;
                    imported.Add((t.Name, t.Arity));
                }
            }
        }
        if (imported.Count == 0) return [];

        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tree in testTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (model.GetSymbolInfo(name).Symbol is not INamedTypeSymbol type) continue;
                type = type.OriginalDefinition;
                if (type.ContainingType is not null || !type.ContainingNamespace.IsGlobalNamespace) continue;
                if (!SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, submission)) continue;
                if (contractTypeNames is not null && contractTypeNames.Contains(type.Name)) continue;
                if (imported.Contains((type.Name, type.Arity))) found.Add(type.Name);
            }
        }
        // Extension methods declared in the submission compete with the test library's own (same lookup
        // level as compilation-unit usings) and can win overload resolution: refuse any the tests bind to,
        // unless they belong to a contract type.
        var hijacked = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tree in testTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodes().OfType<ExpressionSyntax>())
            {
                if (node is not (InvocationExpressionSyntax or MemberAccessExpressionSyntax)) continue;
                if (model.GetSymbolInfo(node).Symbol is not IMethodSymbol { ReducedFrom: { } ext }) continue;
                if (!SymbolEqualityComparer.Default.Equals(ext.ContainingAssembly, submission)) continue;
                if (contractTypeNames is not null && contractTypeNames.Contains(ext.ContainingType.Name)) continue;
                hijacked.Add($"{ext.ContainingType.Name}.{ext.Name}");
            }
        }

        return found.Select(n => new CompilerDiagnostic(DiagnosticSeverityLevel.Error, ContractMismatchTranslator.ContractId,
                $"Your code declares a type named `{n}`, which hides the `{n}` the grader's tests use. Rename your type (helpers may have any other name).",
                null, 0, 0))
            .Concat(hijacked.Select(m => new CompilerDiagnostic(DiagnosticSeverityLevel.Error, ContractMismatchTranslator.ContractId,
                $"Your code declares the extension method `{m}`, which the grader's tests would call instead of their own. Remove it or make it a normal (non-extension) method.",
                null, 0, 0)))
            .ToList();
    }

    private static bool IsFramework(IAssemblySymbol? assembly)
    {
        string name = assembly?.Name ?? "";
        return name.StartsWith("System", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal)
            || name is "mscorlib" or "netstandard";
    }
}
