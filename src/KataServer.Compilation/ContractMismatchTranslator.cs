using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace KataServer.Compilation;

/// <summary>
/// Rephrases errors that the hidden tests hit when compiled against a submission into learner
/// terms: which type or member of *their* code is missing or shaped differently. Never quotes the
/// test source, its file names or positions.
/// </summary>
public static class ContractMismatchTranslator
{
    public const string ContractId = "KATA-CONTRACT";
    private const string Prefix = "Your code does not match the kata contract: ";

    public static IReadOnlyList<CompilerDiagnostic> Translate(CSharpCompilation testCompilation, IEnumerable<Diagnostic> testErrors, IAssemblySymbol? submission)
    {
        var messages = new List<string>();
        foreach (var d in testErrors)
        {
            string? m = TranslateOne(testCompilation, d, submission);
            if (m is not null && !messages.Contains(m)) messages.Add(m);
        }
        return messages.Select(m => new CompilerDiagnostic(DiagnosticSeverityLevel.Error, ContractId, m, null, 0, 0)).ToList();
    }

    private static string? TranslateOne(CSharpCompilation compilation, Diagnostic d, IAssemblySymbol? submission)
    {
        var tree = d.Location.SourceTree;
        SyntaxNode? node = tree?.GetRoot().FindNode(d.Location.SourceSpan, findInsideTrivia: false, getInnermostNodeForTie: true);
        var model = tree is null ? null : compilation.GetSemanticModel(tree);
        string raw = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        // The submission member nearest to the error, if any (bound or candidate).
        ISymbol? member = node is null || model is null ? null : NearestSubmissionSymbol(node, model, submission);
        string? memberText = member is null ? null : Name(member);
        string? typeText = MissingOnType(node, model, submission);
        string nameInError = node is null ? "" : NameAt(node);

        switch (d.Id)
        {
            case "CS0246": // type or namespace not found
            case "CS0103": // name does not exist
            {
                string missing = FirstQuoted(raw) ?? nameInError;
                var inNamespace = submission is null ? null : ContractChecker.FindInNamespaces(submission.GlobalNamespace, missing, -1, 0);
                return inNamespace is not null
                    ? $"{Prefix}`{missing}` is declared inside the namespace `{inNamespace.ContainingNamespace.ToDisplayString()}`; declare it in the global namespace (remove the `namespace` declaration)."
                    : $"{Prefix}the public type `{missing}` is missing (declare it `public` in the global namespace, outside any `namespace`).";
            }
            case "CS0117": // 'T' does not contain a definition for 'X'
            case "CS1061":
                return typeText is not null
                    ? $"{Prefix}`{typeText}.{nameInError}` is missing{CallShape(node, model)}."
                    : $"{Prefix}a member `{nameInError}` is missing{CallShape(node, model)}.";
            case "CS0122": // inaccessible
                return $"{Prefix}`{memberText ?? FirstQuoted(raw) ?? nameInError}` must be `public`.";
            case "CS1729": // no constructor taking N arguments
            case "CS7036": // no argument given for required parameter
            case "CS1501": // no overload takes N arguments
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } || d.Id == "CS1729")
                    return $"{Prefix}`{typeText ?? memberText ?? FirstQuoted(raw)}` needs a public constructor{CallShape(node, model, forceArgs: true)}.";
                return $"{Prefix}`{memberText ?? nameInError}` takes a different number of parameters than the contract{CallShape(node, model, forceArgs: true)}.";
            case "CS1503": // argument conversion
            case "CS1502":
            case "CS1620": // ref/out mismatch
            case "CS1615":
            case "CS1510":
                return $"{Prefix}the parameters of `{memberText ?? nameInError}` have different types or ref/out modifiers than the contract{CallShape(node, model, forceArgs: true)}.";
            case "CS0029": // cannot convert type
            case "CS0266":
            case "CS0019": // operator cannot be applied
            case "CS0023":
            case "CS0030":
            case "CS4008": // cannot await void
            case "CS1929":
                return member switch
                {
                    IMethodSymbol { MethodKind: MethodKind.Ordinary } m => $"{Prefix}`{memberText}` returns `{ContractChecker.Show(m.ReturnType)}`, which is not the return type the contract requires ({Tail(raw)}).",
                    IPropertySymbol p => $"{Prefix}`{memberText}` is of type `{ContractChecker.Show(p.Type)}`, which is not the type the contract requires ({Tail(raw)}).",
                    IFieldSymbol f => $"{Prefix}`{memberText}` is of type `{ContractChecker.Show(f.Type)}`, which is not the type the contract requires ({Tail(raw)}).",
                    not null => $"{Prefix}`{memberText}` has a different type than the contract requires ({Tail(raw)}).",
                    null => $"{Prefix}a type differs from the contract ({Tail(raw)}).",
                };
            case "CS0120": // object reference required -> member should be static
                return $"{Prefix}`{memberText ?? nameInError}` must be `static`.";
            case "CS0176": // cannot be accessed with an instance reference -> member should not be static
                return $"{Prefix}`{memberText ?? nameInError}` must not be `static`.";
            case "CS0305": // generic type needs N type arguments
            case "CS0308": // non-generic used with type arguments
            case "CS0107":
                return $"{Prefix}`{memberText ?? FirstQuoted(raw) ?? nameInError}` has a different number of type parameters than the contract ({Tail(raw)}).";
            case "CS0310": // new() constraint
            case "CS0311":
            case "CS0314":
            case "CS0315":
            case "CS0452":
            case "CS0453":
            case "CS8377":
                return $"{Prefix}the type-parameter constraints of `{memberText ?? FirstQuoted(raw) ?? nameInError}` are stricter than the contract ({Tail(raw)}).";
            case "CS0200": // property is read-only
            case "CS8852":
                return $"{Prefix}`{memberText ?? nameInError}` needs a public `set` accessor.";
            case "CS0154": // lacks get accessor
                return $"{Prefix}`{memberText ?? nameInError}` needs a public `get` accessor.";
            case "CS0271":
            case "CS0272":
                return $"{Prefix}the accessors of `{memberText ?? nameInError}` must be `public`.";
            case "CS0144": // cannot create instance of abstract type or interface
            case "CS0712": // static class instance
            case "CS0723":
                return $"{Prefix}`{typeText ?? memberText ?? FirstQuoted(raw)}` must be a concrete, non-static class the tests can create.";
            case "CS1955": // non-invocable member used like a method
                return $"{Prefix}`{memberText ?? nameInError}` must be a method, not a property or field.";
            case "CS1656":
            case "CS0191":
                return $"{Prefix}`{memberText ?? nameInError}` must be writable.";
            default:
                return memberText is not null
                    ? $"{Prefix}`{memberText}` is declared differently from the contract ({d.Id}: {Tail(raw)})."
                    : $"{Prefix}the hidden tests could not be compiled against your code ({d.Id}: {Tail(raw)}).";
        }
    }

    /// <summary>For "does not contain a definition" errors: the submission type on the left of the dot.</summary>
    private static string? MissingOnType(SyntaxNode? node, SemanticModel? model, IAssemblySymbol? submission)
    {
        if (node is null || model is null) return null;
        ITypeSymbol? type = null;
        for (var n = node; n is not null && type is null; n = n.Parent)
        {
            switch (n)
            {
                case MemberAccessExpressionSyntax ma:
                    type = model.GetTypeInfo(ma.Expression).Type ?? model.GetSymbolInfo(ma.Expression).Symbol as ITypeSymbol;
                    break;
                case BaseObjectCreationExpressionSyntax oc:
                    type = model.GetTypeInfo(oc).Type;
                    break;
                case StatementSyntax or MemberDeclarationSyntax:
                    return null;
            }
        }
        if (type is null) return null;
        if (submission is not null && !SymbolEqualityComparer.Default.Equals(type.ContainingAssembly, submission)) return null;
        return ContractChecker.Show(type.OriginalDefinition);
    }

    private static ISymbol? NearestSubmissionSymbol(SyntaxNode node, SemanticModel model, IAssemblySymbol? submission)
    {
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n is StatementSyntax or MemberDeclarationSyntax) break;
            var info = model.GetSymbolInfo(n);
            foreach (var s in info.Symbol is null ? info.CandidateSymbols : [info.Symbol])
            {
                if (s is null or INamespaceSymbol or ILocalSymbol or IParameterSymbol) continue;
                var owner = s is ITypeSymbol ? s : s.ContainingType;
                if (owner is null) continue;
                if (submission is null || SymbolEqualityComparer.Default.Equals(s.ContainingAssembly, submission)) return s.OriginalDefinition;
            }
        }
        return null;
    }

    private static string NameAt(SyntaxNode node)
    {
        for (var n = node; n is not null; n = n.Parent)
        {
            switch (n)
            {
                case MemberAccessExpressionSyntax ma: return ma.Name.Identifier.ValueText;
                case SimpleNameSyntax sn: return sn.Identifier.ValueText;
                case StatementSyntax: return "";
            }
        }
        return "";
    }

    /// <summary>" (called as `Transfer(int, int, long)`)" from the argument types at the call site, never the source text.</summary>
    private static string CallShape(SyntaxNode? node, SemanticModel? model, bool forceArgs = false)
    {
        if (node is null || model is null) return "";
        ArgumentListSyntax? args = null;
        string name = "";
        for (var n = node; n is not null && args is null; n = n.Parent)
        {
            switch (n)
            {
                case InvocationExpressionSyntax inv:
                    args = inv.ArgumentList;
                    name = inv.Expression switch
                    {
                        MemberAccessExpressionSyntax ma => ma.Name.Identifier.ValueText,
                        SimpleNameSyntax sn => sn.Identifier.ValueText,
                        _ => "",
                    };
                    break;
                case BaseObjectCreationExpressionSyntax oc:
                    args = oc.ArgumentList;
                    name = model.GetTypeInfo(oc).Type?.Name ?? "";
                    if (args is null) return forceArgs ? $" (the tests call `new {name}()`)" : "";
                    break;
                case StatementSyntax or MemberDeclarationSyntax:
                    return "";
            }
        }
        if (args is null) return "";
        var types = args.Arguments.Select(a =>
        {
            string prefix = a.RefKindKeyword.IsKind(SyntaxKind.None) ? "" : a.RefKindKeyword.ValueText + " ";
            var t = model.GetTypeInfo(a.Expression).Type;
            string shown = t is null || t.TypeKind == TypeKind.Error ? "?" : t.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            if (a.Expression is DeclarationExpressionSyntax && t is not null) shown = t.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);
            if (a.Expression is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.DefaultLiteralExpression } or LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NullLiteralExpression }) shown = "?";
            if (a.Expression is LambdaExpressionSyntax or AnonymousMethodExpressionSyntax) shown = "a lambda";
            return prefix + shown;
        });
        return $" (the tests call it as `{name}({string.Join(", ", types)})`)";
    }

    private static string Name(ISymbol s) => s switch
    {
        ITypeSymbol t => ContractChecker.Show(t),
        IMethodSymbol { MethodKind: MethodKind.Constructor } c => $"{ContractChecker.Show(c.ContainingType)} constructor",
        _ => $"{ContractChecker.Show(s.ContainingType)}.{s.Name}",
    };

    private static string? FirstQuoted(string message)
    {
        int a = message.IndexOf('\'');
        if (a < 0) return null;
        int b = message.IndexOf('\'', a + 1);
        return b > a ? message[(a + 1)..b] : null;
    }

    /// <summary>Compiler messages name types and members only; strip a trailing period for embedding.</summary>
    private static string Tail(string raw) => raw.TrimEnd('.');
}
