using Microsoft.CodeAnalysis;

namespace KataServer.Compilation;

/// <summary>
/// Guards the grader process against source shaped to crash or stall the compiler: Roslyn's flow
/// analysis recurses per nesting level, and 20,000 nested blocks (well inside the 256 KiB input limit)
/// overflow the stack of the thread compiling them - a stack overflow kills the whole process. A long
/// operator chain (40,000 <c>+ 1</c>) is a deep tree too and takes tens of seconds to analyse. Hand-written
/// code stays far below the limit (the corpus peaks around 30-40 levels). Bracket nesting is checked
/// on the raw text first, since even parsing deeply nested parentheses is slow.
/// </summary>
public static class SyntaxLimits
{
    /// <summary>Default limit on syntax-node nesting depth (blocks, parentheses, lambdas, operator chains).</summary>
    public const int DefaultMaxDepth = 250;

    public const string TooComplexId = "KATA-TOO-COMPLEX";

    /// <summary>
    /// Default limit on bracket nesting (<c>( [ {</c>) in the raw text, checked before parsing: the
    /// parser's look-ahead for casts, lambdas and tuples makes 20,000 nested parentheses take over a
    /// minute to parse. Real code nests brackets a dozen deep.
    /// </summary>
    public const int DefaultMaxBracketDepth = 100;

    /// <summary>
    /// Scans the text for bracket nesting deeper than <paramref name="maxDepth"/>, skipping comments,
    /// string and character literals (approximately: interpolation holes are skipped with their string).
    /// Returns the 0-based offset of the first bracket over the limit, or -1.
    /// </summary>
    public static int FindTooDeepBrackets(string text, int maxDepth)
        => Scan(text, maxDepth, int.MaxValue).Offset;

    /// <summary>
    /// Default limit on <c>&lt;</c> tokens within one statement (between <c>;</c>, <c>{</c> and <c>}</c>):
    /// each <c>&lt;</c> makes the parser look ahead for a generic argument list, so a 140 KB argument list
    /// of <c>a &lt; a, </c> takes 45 s to parse (and parsing cannot be cancelled). Real statements have a handful.
    /// </summary>
    public const int DefaultMaxAnglesPerStatement = 100;

    /// <summary>
    /// The pre-parse scan: the first offset where bracket nesting exceeds <paramref name="maxDepth"/>
    /// (Kind "brackets") or one statement holds more than <paramref name="maxAngles"/> <c>&lt;</c> (Kind "angles").
    /// Offset -1 when the text is within both limits.
    /// </summary>
    public static (int Offset, string Kind) Scan(string text, int maxDepth, int maxAngles)
    {
        int depth = 0;
        int angles = 0;
        int i = 0;
        int n = text.Length;
        while (i < n)
        {
            char c = text[i];
            if (c == '/' && i + 1 < n && text[i + 1] == '/')
            {
                while (i < n && text[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < n && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c == '"' || c == '\'' || ((c == '@' || c == '$') && i + 1 < n && (text[i + 1] == '"' || text[i + 1] is '@' or '$')))
            {
                i = SkipLiteral(text, i);
                continue;
            }
            if (c is '(' or '[' or '{')
            {
                if (++depth > maxDepth) return (i, "brackets");
                if (c == '{') angles = 0;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth > 0) depth--;
                if (c == '}') angles = 0;
            }
            else if (c == ';')
            {
                angles = 0;
            }
            else if (c == '<')
            {
                if (++angles > maxAngles) return (i, "angles");
            }
            i++;
        }
        return (-1, "");
    }

    private static int SkipLiteral(string text, int i)
    {
        int n = text.Length;
        bool verbatim = false;
        while (i < n && text[i] is '@' or '$')
        {
            if (text[i] == '@') verbatim = true;
            i++;
        }
        if (i >= n) return n;
        char quote = text[i];
        // Raw string literal: three or more quotes, ends at the same number of quotes.
        if (quote == '"' && i + 2 < n && text[i + 1] == '"' && text[i + 2] == '"')
        {
            int count = 0;
            while (i < n && text[i] == '"') { count++; i++; }
            string closing = new('"', count);
            int end = text.IndexOf(closing, i, StringComparison.Ordinal);
            return end < 0 ? n : end + count;
        }
        i++;
        while (i < n)
        {
            char c = text[i];
            if (verbatim)
            {
                if (c == '"')
                {
                    if (i + 1 < n && text[i + 1] == '"') { i += 2; continue; }
                    return i + 1;
                }
            }
            else
            {
                if (c == '\\') { i += 2; continue; }
                if (c == quote) return i + 1;
                if (c == '\n') return i + 1; // unterminated: let the compiler report it
            }
            i++;
        }
        return n;
    }

    /// <summary>The deepest node of the tree, found without recursion; null depth 0 for an empty tree.</summary>
    public static (int Depth, SyntaxNode? Deepest) MaxDepth(SyntaxTree tree, CancellationToken cancellationToken = default)
    {
        var root = tree.GetRoot(cancellationToken);
        var stack = new Stack<(SyntaxNode Node, int Depth)>();
        stack.Push((root, 1));
        int max = 0;
        SyntaxNode? deepest = null;
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (depth > max)
            {
                max = depth;
                deepest = node;
            }
            foreach (var child in node.ChildNodes()) stack.Push((child, depth + 1));
        }
        return (max, deepest);
    }

    /// <summary>
    /// Default limit on nested lambdas / anonymous methods: overload resolution binds each lambda once
    /// per candidate delegate type of every enclosing lambda, so its cost is exponential in the nesting
    /// (3 overloads: depth 8 ~3 s, 12 ~20 s, 45 never ends - and Roslyn does not check cancellation there).
    /// </summary>
    public const int DefaultMaxLambdaDepth = 8;

    /// <summary>The first node deeper than <paramref name="maxDepth"/>, or null when the tree is within the limit.</summary>
    public static SyntaxNode? FindTooDeep(SyntaxTree tree, int maxDepth, CancellationToken cancellationToken = default)
        => Find(tree, maxDepth, int.MaxValue, cancellationToken).Node;

    /// <summary>The first node over either limit, and which one ("depth" or "lambdas").</summary>
    public static (SyntaxNode? Node, string Kind) Find(SyntaxTree tree, int maxDepth, int maxLambdaDepth, CancellationToken cancellationToken = default)
    {
        var root = tree.GetRoot(cancellationToken);
        var stack = new Stack<(SyntaxNode Node, int Depth, int Lambdas)>();
        stack.Push((root, 1, 0));
        while (stack.Count > 0)
        {
            var (node, depth, lambdas) = stack.Pop();
            if (depth > maxDepth) return (node, "depth");
            if (node is Microsoft.CodeAnalysis.CSharp.Syntax.AnonymousFunctionExpressionSyntax && ++lambdas > maxLambdaDepth) return (node, "lambdas");
            foreach (var child in node.ChildNodes()) stack.Push((child, depth + 1, lambdas));
        }
        return (null, "");
    }

    /// <summary>A learner-facing diagnostic for a tree over the limit, or null.</summary>
    public static CompilerDiagnostic? Check(SyntaxTree tree, int maxDepth, CancellationToken cancellationToken = default)
        => Check(tree, maxDepth, int.MaxValue, cancellationToken);

    /// <summary>A learner-facing diagnostic for a tree over the nesting or lambda-nesting limit, or null.</summary>
    public static CompilerDiagnostic? Check(SyntaxTree tree, int maxDepth, int maxLambdaDepth, CancellationToken cancellationToken = default)
    {
        var (node, kind) = Find(tree, maxDepth, maxLambdaDepth, cancellationToken);
        if (node is null) return null;
        var span = node.GetLocation().GetMappedLineSpan();
        int line = span.StartLinePosition.Line + 1;
        string what = kind == "lambdas"
            ? $"nests lambdas more than {maxLambdaDepth} deep"
            : $"is nested more than {maxDepth} levels deep (blocks, parentheses, lambdas or a very long chain of operators)";
        return new CompilerDiagnostic(DiagnosticSeverityLevel.Error, TooComplexId,
            $"line {line}: your code {what}. " +
            "The grader refuses such code to protect itself; split it into smaller methods or expressions.",
            span.Path, line, span.StartLinePosition.Character + 1);
    }
}
