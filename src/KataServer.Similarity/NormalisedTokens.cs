using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KataServer.Similarity;

/// <summary>One token of a source after normalisation, with the 1-based line it starts on.</summary>
public readonly record struct NormalisedToken(string Text, int Line);

/// <summary>
/// Roslyn's tokens with what a copier changes for free taken out: every identifier is <c>id</c>, every literal is
/// <c>lit</c>, comments and whitespace (trivia) are gone. Keywords, operators and punctuation stay: they are the shape.
/// </summary>
public static class NormalisedTokens
{
    public const string Identifier = "id";
    public const string Literal = "lit";

    public static IReadOnlyList<NormalisedToken> Of(string code)
    {
        var tokens = new List<NormalisedToken>();
        var root = CSharpSyntaxTree.ParseText(code).GetRoot();
        foreach (var token in root.DescendantTokens(descendIntoTrivia: false))
        {
            if (token.IsKind(SyntaxKind.EndOfFileToken) || token.IsMissing) continue;
            var line = token.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            tokens.Add(new NormalisedToken(Normalise(token), line));
        }

        return tokens;
    }

    private static string Normalise(SyntaxToken token) => token.Kind() switch
    {
        // `await`, `var`, `async`... are identifiers to the lexer but keywords to the reader: keep them.
        SyntaxKind.IdentifierToken when SyntaxFacts.GetContextualKeywordKind(token.ValueText) != SyntaxKind.None => token.ValueText,
        SyntaxKind.IdentifierToken => Identifier,
        SyntaxKind.NumericLiteralToken or SyntaxKind.StringLiteralToken or SyntaxKind.CharacterLiteralToken
            or SyntaxKind.InterpolatedStringTextToken or SyntaxKind.SingleLineRawStringLiteralToken
            or SyntaxKind.MultiLineRawStringLiteralToken or SyntaxKind.Utf8StringLiteralToken => Literal,
        _ => token.Text,
    };
}
