using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace KataServer.Compilation;

/// <summary>One way a submission differs from the kata's public contract, in learner terms.</summary>
public sealed record ContractProblem(string Member, string Message, string? File = null, int Line = 0, int Column = 0)
{
    public CompilerDiagnostic ToDiagnostic(DiagnosticSeverityLevel severity)
        => new(severity, ContractMismatchTranslator.ContractId, Message, File, Line, Column);

    public override string ToString() => Message;
}

/// <summary>
/// Compares the public surface a reference solution exposes in the global namespace with what a
/// submission declares: types (kind, generic arity, constraints), constructors, methods (static-ness,
/// return type, parameter types and ref-kinds, optional parameters, generic arity and constraints),
/// properties and indexers (type, accessors), fields and events. Extra members in the submission are
/// fine; helpers are free. Reference nullability annotations are ignored (they only give warnings).
/// </summary>
public static class ContractChecker
{
    internal static readonly SymbolDisplayFormat Format = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters | SymbolDisplayGenericsOptions.IncludeTypeConstraints,
        memberOptions: SymbolDisplayMemberOptions.IncludeParameters | SymbolDisplayMemberOptions.IncludeType
                       | SymbolDisplayMemberOptions.IncludeContainingType | SymbolDisplayMemberOptions.IncludeModifiers
                       | SymbolDisplayMemberOptions.IncludeRef,
        parameterOptions: SymbolDisplayParameterOptions.IncludeType | SymbolDisplayParameterOptions.IncludeName
                          | SymbolDisplayParameterOptions.IncludeParamsRefOut | SymbolDisplayParameterOptions.IncludeDefaultValue,
        propertyStyle: SymbolDisplayPropertyStyle.ShowReadWriteDescriptor,
        kindOptions: SymbolDisplayKindOptions.None,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    internal static readonly SymbolDisplayFormat ShortFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        memberOptions: SymbolDisplayMemberOptions.IncludeContainingType,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private const string Prefix = "Your code does not match the kata contract: ";

    public static IReadOnlyList<ContractProblem> Compare(CSharpCompilation reference, CSharpCompilation submission)
        => Compare(reference.Assembly, submission.Assembly);

    public static IReadOnlyList<ContractProblem> Compare(IAssemblySymbol reference, IAssemblySymbol submission)
    {
        var problems = new List<ContractProblem>();
        foreach (var refType in reference.GlobalNamespace.GetTypeMembers().Where(IsPublic).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var candidates = submission.GlobalNamespace.GetTypeMembers(refType.Name);
            var subType = candidates.FirstOrDefault(t => t.Arity == refType.Arity);
            if (subType is null)
            {
                var other = candidates.FirstOrDefault();
                var nested = other is null ? FindInNamespaces(submission.GlobalNamespace, refType.Name, refType.Arity, 0) : null;
                problems.Add(other is null
                    ? nested is not null
                        ? At(nested, refType.Name, $"{Prefix}`{Show(refType)}` is declared inside the namespace `{nested.ContainingNamespace.ToDisplayString()}`; declare it in the global namespace (remove the `namespace` declaration).")
                        : new ContractProblem(refType.Name, $"{Prefix}the public type `{Show(refType)}` is missing (declare it in the global namespace, outside any `namespace`).")
                    : At(other, refType.Name, $"{Prefix}`{refType.Name}` must have {Plural(refType.Arity, "type parameter")} (`{Show(refType)}`), yours has {other.Arity}."));
                continue;
            }
            CompareType(refType, subType, problems);
        }
        return problems;
    }

    /// <summary>A type of this name declared in some non-global namespace (the usual learner slip).</summary>
    internal static INamedTypeSymbol? FindInNamespaces(INamespaceSymbol ns, string name, int arity, int depth)
    {
        if (depth > 8) return null;
        foreach (var child in ns.GetNamespaceMembers())
        {
            var t = child.GetTypeMembers(name).FirstOrDefault(x => arity < 0 || x.Arity == arity);
            if (t is not null) return t;
            var deeper = FindInNamespaces(child, name, arity, depth + 1);
            if (deeper is not null) return deeper;
        }
        return null;
    }

    private static void CompareType(INamedTypeSymbol refType, INamedTypeSymbol subType, List<ContractProblem> problems)
    {
        string name = Show(refType);
        if (subType.DeclaredAccessibility != Accessibility.Public)
        {
            problems.Add(At(subType, name, $"{Prefix}`{name}` must be `public` (yours is {AccessText(subType)})."));
            return;
        }
        if (KindOf(refType) != KindOf(subType))
        {
            problems.Add(At(subType, name, $"{Prefix}`{name}` must be a {KindOf(refType)}, yours is a {KindOf(subType)}."));
            return;
        }
        if (!refType.IsAbstract && subType.IsAbstract && refType.InstanceConstructors.Any(c => IsPublic(c)))
            problems.Add(At(subType, name, $"{Prefix}`{name}` must not be abstract (the tests create instances of it)."));

        for (int i = 0; i < refType.TypeParameters.Length; i++)
        {
            string? c = CompareConstraints(refType.TypeParameters[i], subType.TypeParameters[i], refType, subType);
            if (c is not null) problems.Add(At(subType, name, $"{Prefix}type parameter `{subType.TypeParameters[i].Name}` of `{name}` {c}"));
        }

        foreach (var member in refType.GetMembers().Where(IsContractMember))
        {
            CompareMember(member, refType, subType, problems);
        }
    }

    private static void CompareMember(ISymbol member, INamedTypeSymbol refType, INamedTypeSymbol subType, List<ContractProblem> problems)
    {
        string typeName = Show(refType);
        var sameName = subType.GetMembers(member.Name).Where(m => m.DeclaredAccessibility == Microsoft.CodeAnalysis.Accessibility.Public).ToList();
        var hidden = subType.GetMembers(member.Name).Where(m => m.DeclaredAccessibility != Microsoft.CodeAnalysis.Accessibility.Public).ToList();
        string expected = Describe(member);

        switch (member)
        {
            case IMethodSymbol { MethodKind: MethodKind.Constructor } ctor:
            {
                var ctors = subType.InstanceConstructors.Where(IsPublic).ToList();
                if (ctors.Any(c => SameParameters(ctor, c, refType, subType))) return;
                string shape = $"{refType.Name}({ParameterList(ctor)})";
                problems.Add(At(ctors.FirstOrDefault() ?? (ISymbol)subType, shape,
                    $"{Prefix}`{typeName}` needs a public constructor `{shape}`{Found(ctors, refType.Name)}."));
                return;
            }
            case IMethodSymbol method:
            {
                var methods = sameName.OfType<IMethodSymbol>().ToList();
                if (methods.Any(m => SameMethod(method, m, refType, subType))) return;
                string memberName = $"{typeName}.{method.Name}";
                var close = methods.FirstOrDefault(m => SameParameters(method, m, refType, subType) && m.Arity == method.Arity);
                if (close is not null)
                {
                    if (close.IsStatic != method.IsStatic)
                        problems.Add(At(close, memberName, $"{Prefix}`{memberName}` must {(method.IsStatic ? "be `static`" : "not be `static`")} (expected `{expected}`)."));
                    else if (!SameType(method.ReturnType, close.ReturnType, refType, subType) || method.RefKind != close.RefKind)
                        problems.Add(At(close, memberName, $"{Prefix}`{memberName}` must return `{Show(method.ReturnType)}`, yours returns `{Show(close.ReturnType)}` (expected `{expected}`)."));
                    else
                        problems.Add(At(close, memberName, $"{Prefix}`{memberName}` is declared differently: expected `{expected}`, found `{Describe(close)}`."));
                    return;
                }
                if (methods.Count == 0)
                {
                    problems.Add(At(hidden.FirstOrDefault() ?? subType, memberName, hidden.Count > 0
                        ? $"{Prefix}`{memberName}` must be `public` (expected `{expected}`)."
                        : $"{Prefix}`{memberName}` is missing (expected `{expected}`)."));
                    return;
                }
                problems.Add(At(methods[0], memberName,
                    $"{Prefix}`{memberName}` is declared differently: expected `{expected}`, found {string.Join(" / ", methods.Select(m => $"`{Describe(m)}`"))}."));
                return;
            }
            case IPropertySymbol property:
            {
                string memberName = property.IsIndexer ? $"{typeName}[...]" : $"{typeName}.{property.Name}";
                var props = sameName.OfType<IPropertySymbol>().Where(p => p.IsIndexer == property.IsIndexer
                    && (!property.IsIndexer || SameParameters(property.Parameters, p.Parameters, refType, subType))).ToList();
                var prop = props.FirstOrDefault();
                if (prop is null)
                {
                    var other = sameName.FirstOrDefault() ?? hidden.FirstOrDefault();
                    problems.Add(At(other ?? subType, memberName, other switch
                    {
                        null => $"{Prefix}`{memberName}` is missing (expected `{expected}`).",
                        IMethodSymbol => $"{Prefix}`{memberName}` must be a property (expected `{expected}`), yours is a method.",
                        _ when other.DeclaredAccessibility != Microsoft.CodeAnalysis.Accessibility.Public => $"{Prefix}`{memberName}` must be `public` (expected `{expected}`).",
                        _ => $"{Prefix}`{memberName}` must be a property (expected `{expected}`).",
                    }));
                    return;
                }
                if (prop.IsStatic != property.IsStatic)
                    problems.Add(At(prop, memberName, $"{Prefix}`{memberName}` must {(property.IsStatic ? "be `static`" : "not be `static`")} (expected `{expected}`)."));
                else if (!SameType(property.Type, prop.Type, refType, subType))
                    problems.Add(At(prop, memberName, $"{Prefix}`{memberName}` must be of type `{Show(property.Type)}`, yours is `{Show(prop.Type)}`."));
                else if (IsPublic(property.GetMethod) && !IsPublic(prop.GetMethod))
                    problems.Add(At(prop, memberName, $"{Prefix}`{memberName}` needs a public `get` accessor (expected `{expected}`)."));
                else if (IsPublic(property.SetMethod) && !IsPublic(prop.SetMethod))
                    problems.Add(At(prop, memberName, $"{Prefix}`{memberName}` needs a public `{(property.SetMethod!.IsInitOnly ? "init" : "set")}` accessor (expected `{expected}`)."));
                return;
            }
            case IFieldSymbol field:
            {
                string memberName = $"{typeName}.{field.Name}";
                var f = sameName.OfType<IFieldSymbol>().FirstOrDefault();
                if (f is null)
                {
                    problems.Add(At(sameName.FirstOrDefault() ?? subType, memberName, $"{Prefix}`{memberName}` is missing (expected `{expected}`)."));
                    return;
                }
                if (f.IsStatic != field.IsStatic || !SameType(field.Type, f.Type, refType, subType) || f.IsConst != field.IsConst
                    || (!field.IsReadOnly && !field.IsConst && f.IsReadOnly))
                    problems.Add(At(f, memberName, $"{Prefix}`{memberName}` is declared differently: expected `{expected}`, found `{Describe(f)}`."));
                return;
            }
            case IEventSymbol ev:
            {
                string memberName = $"{typeName}.{ev.Name}";
                var e = sameName.OfType<IEventSymbol>().FirstOrDefault();
                if (e is null)
                    problems.Add(At(sameName.FirstOrDefault() ?? subType, memberName, $"{Prefix}the event `{memberName}` is missing (expected `{expected}`)."));
                else if (e.IsStatic != ev.IsStatic || !SameType(ev.Type, e.Type, refType, subType))
                    problems.Add(At(e, memberName, $"{Prefix}`{memberName}` is declared differently: expected `{expected}`, found `{Describe(e)}`."));
                return;
            }
            case INamedTypeSymbol nested:
            {
                string memberName = $"{typeName}.{nested.Name}";
                var n = sameName.OfType<INamedTypeSymbol>().FirstOrDefault(t => t.Arity == nested.Arity);
                if (n is null) problems.Add(At(subType, memberName, $"{Prefix}the nested type `{memberName}` is missing."));
                else CompareType(nested, n, problems);
                return;
            }
        }
    }

    private static string Found(List<IMethodSymbol> ctors, string name)
        => ctors.Count == 0 ? "" : $" (yours: {string.Join(", ", ctors.Select(c => $"`{name}({ParameterList(c)})`"))})";

    private static bool IsContractMember(ISymbol m)
    {
        if (!IsPublic(m) || m.IsImplicitlyDeclared && m is not IMethodSymbol { MethodKind: MethodKind.Constructor }) return false;
        if (m.IsOverride && m is IMethodSymbol { Name: "ToString" or "Equals" or "GetHashCode" }) return false;
        if (m.ContainingType.IsRecord && m.IsImplicitlyDeclared) return false;
        return m switch
        {
            IMethodSymbol method => method.MethodKind is MethodKind.Ordinary or MethodKind.Constructor
                                    || method.MethodKind is MethodKind.UserDefinedOperator or MethodKind.Conversion,
            IPropertySymbol or IFieldSymbol or IEventSymbol or INamedTypeSymbol => true,
            _ => false,
        };
    }

    private static bool SameMethod(IMethodSymbol expected, IMethodSymbol actual, INamedTypeSymbol refType, INamedTypeSymbol subType)
        => expected.IsStatic == actual.IsStatic
           && expected.Arity == actual.Arity
           && expected.RefKind == actual.RefKind
           && SameParameters(expected, actual, refType, subType)
           && SameType(expected.ReturnType, actual.ReturnType, refType, subType)
           && expected.TypeParameters.Zip(actual.TypeParameters).All(p => CompareConstraints(p.First, p.Second, refType, subType) is null);

    private static bool SameParameters(IMethodSymbol expected, IMethodSymbol actual, INamedTypeSymbol refType, INamedTypeSymbol subType)
        => SameParameters(expected.Parameters, actual.Parameters, refType, subType);

    private static bool SameParameters(IReadOnlyList<IParameterSymbol> expected, IReadOnlyList<IParameterSymbol> actual, INamedTypeSymbol refType, INamedTypeSymbol subType)
    {
        if (expected.Count != actual.Count) return false;
        for (int i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (e.RefKind != a.RefKind && !(e.RefKind is RefKind.In or RefKind.RefReadOnlyParameter && a.RefKind is RefKind.In or RefKind.RefReadOnlyParameter)) return false;
            if (!SameType(e.Type, a.Type, refType, subType)) return false;
            if (e.IsOptional && !a.IsOptional) return false;
            if (e.IsParams != a.IsParams) return false;
        }
        return true;
    }

    private static bool SameType(ITypeSymbol expected, ITypeSymbol actual, INamedTypeSymbol refType, INamedTypeSymbol subType)
        => TypeKey(expected) == TypeKey(actual);

    /// <summary>A compilation-independent identity of a type: metadata names, type parameters by position, no nullability of references.</summary>
    internal static string TypeKey(ITypeSymbol type)
    {
        var sb = new StringBuilder();
        AppendKey(sb, type, 0);
        return sb.ToString();
    }

    private static void AppendKey(StringBuilder sb, ITypeSymbol type, int depth)
    {
        if (depth > 32) { sb.Append('…'); return; }
        switch (type)
        {
            case ITypeParameterSymbol tp:
                sb.Append(tp.TypeParameterKind == TypeParameterKind.Method ? "!!" : "!").Append(tp.Ordinal);
                if (tp.TypeParameterKind == TypeParameterKind.Type && tp.ContainingType is { } owner) sb.Append('@').Append(owner.MetadataName);
                break;
            case IArrayTypeSymbol array:
                AppendKey(sb, array.ElementType, depth + 1);
                sb.Append('[').Append(',', array.Rank - 1).Append(']');
                break;
            case IPointerTypeSymbol pointer:
                AppendKey(sb, pointer.PointedAtType, depth + 1);
                sb.Append('*');
                break;
            case INamedTypeSymbol named:
                if (named.ContainingType is { } container) { AppendKey(sb, container.OriginalDefinition, depth + 1); sb.Append('+'); }
                else if (named.ContainingNamespace is { IsGlobalNamespace: false } ns) sb.Append(ns.ToDisplayString()).Append('.');
                sb.Append(named.MetadataName);
                if (named.TypeArguments.Length > 0)
                {
                    sb.Append('<');
                    for (int i = 0; i < named.TypeArguments.Length; i++)
                    {
                        if (i > 0) sb.Append(',');
                        AppendKey(sb, named.TypeArguments[i], depth + 1);
                    }
                    sb.Append('>');
                }
                break;
            default:
                sb.Append(type.ToDisplayString());
                break;
        }
    }

    private static string? CompareConstraints(ITypeParameterSymbol e, ITypeParameterSymbol a, INamedTypeSymbol refType, INamedTypeSymbol subType)
    {
        var missing = new List<string>();
        var extra = new List<string>();
        void Check(bool exp, bool act, string text)
        {
            if (exp && !act) missing.Add(text);
            if (!exp && act) extra.Add(text);
        }
        Check(e.HasReferenceTypeConstraint, a.HasReferenceTypeConstraint, "class");
        Check(e.HasValueTypeConstraint, a.HasValueTypeConstraint, "struct");
        Check(e.HasUnmanagedTypeConstraint, a.HasUnmanagedTypeConstraint, "unmanaged");
        Check(e.HasConstructorConstraint, a.HasConstructorConstraint, "new()");
        // `notnull` only produces nullable warnings at call sites: a missing one is harmless, an extra one too.
        var eTypes = e.ConstraintTypes.Select(TypeKey).ToHashSet();
        var aTypes = a.ConstraintTypes.Select(TypeKey).ToHashSet();
        missing.AddRange(e.ConstraintTypes.Where(t => !aTypes.Contains(TypeKey(t))).Select(Show));
        extra.AddRange(a.ConstraintTypes.Where(t => !eTypes.Contains(TypeKey(t))).Select(Show));
        if (missing.Count == 0 && extra.Count == 0) return null;
        var parts = new List<string>();
        if (missing.Count > 0) parts.Add($"needs the constraint `where {a.Name} : {string.Join(", ", missing)}`");
        if (extra.Count > 0) parts.Add($"must not have the constraint `{string.Join(", ", extra)}` (the tests use type arguments it would reject)");
        return string.Join(" and ", parts) + ".";
    }

    private static string KindOf(INamedTypeSymbol t) => t.TypeKind switch
    {
        TypeKind.Struct => "struct",
        TypeKind.Interface => "interface",
        TypeKind.Enum => "enum",
        TypeKind.Delegate => "delegate",
        _ => "class",
    };

    private static string AccessText(ISymbol s) => s.DeclaredAccessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Internal or Microsoft.CodeAnalysis.Accessibility.NotApplicable => "`internal`",
        Microsoft.CodeAnalysis.Accessibility.Private => "`private`",
        Microsoft.CodeAnalysis.Accessibility.Protected => "`protected`",
        _ => "not public",
    };

    private static bool IsPublic(ISymbol? s) => s is { DeclaredAccessibility: Microsoft.CodeAnalysis.Accessibility.Public };

    private static string Plural(int n, string word) => n == 1 ? $"1 {word}" : $"{n} {word}s";

    internal static string Show(ISymbol s) => s.ToDisplayString(ShortFormat);

    internal static string Describe(ISymbol s) => s.ToDisplayString(Format);

    private static string ParameterList(IMethodSymbol m)
        => string.Join(", ", m.Parameters.Select(p => p.ToDisplayString(Format)));

    private static ContractProblem At(ISymbol symbol, string member, string message)
    {
        var loc = symbol.Locations.FirstOrDefault(l => l.IsInSource);
        if (loc is null) return new ContractProblem(member, message);
        var span = loc.GetMappedLineSpan();
        return new ContractProblem(member, message, span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
    }
}
