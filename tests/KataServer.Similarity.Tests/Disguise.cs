using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KataServer.Similarity.Tests;

/// <summary>What a copier does to hide a copy: renames every name the file declares, reverses the order of every type's members, re-indents.</summary>
public static class Disguise
{
    public static string Apply(string code)
    {
        var root = CSharpSyntaxTree.ParseText(code).GetRoot();
        var declared = root.DescendantNodes().SelectMany(DeclaredNames).Distinct().ToList();
        var renames = declared.Select((name, i) => (name, renamed: $"{Letters(i)}{name.Length}x")).ToDictionary(p => p.name, p => p.renamed);

        root = new Renamer(renames).Visit(root);
        root = new MemberReverser().Visit(root);
        return root.NormalizeWhitespace(indentation: "\t", eol: "\n").ToFullString();
    }

    private static IEnumerable<string> DeclaredNames(SyntaxNode node) => node switch
    {
        BaseTypeDeclarationSyntax t => [t.Identifier.ValueText],
        MethodDeclarationSyntax m => [m.Identifier.ValueText],
        PropertyDeclarationSyntax p => [p.Identifier.ValueText],
        VariableDeclaratorSyntax v => [v.Identifier.ValueText],
        ParameterSyntax p => [p.Identifier.ValueText],
        SingleVariableDesignationSyntax d => [d.Identifier.ValueText],
        _ => [],
    };

    private static string Letters(int i) => new((char)('q' + i % 8), 1 + i / 8);

    private sealed class Renamer(Dictionary<string, string> renames) : CSharpSyntaxRewriter
    {
        public override SyntaxToken VisitToken(SyntaxToken token) =>
            token.IsKind(SyntaxKind.IdentifierToken) && renames.TryGetValue(token.ValueText, out var to)
                ? SyntaxFactory.Identifier(token.LeadingTrivia, to, token.TrailingTrivia)
                : base.VisitToken(token);
    }

    private sealed class MemberReverser : CSharpSyntaxRewriter
    {
        public override SyntaxNode? VisitClassDeclaration(ClassDeclarationSyntax node)
        {
            var visited = (ClassDeclarationSyntax)base.VisitClassDeclaration(node)!;
            return visited.WithMembers(SyntaxFactory.List(visited.Members.Reverse()));
        }
    }
}
