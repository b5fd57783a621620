using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace KataServer.Compilation.Policy;

/// <summary>One use of something the policy denies, with a 1-based position in the learner's file.</summary>
/// <param name="Rule">The rule that denies it.</param>
/// <param name="Symbol">Fully qualified name (or <c>syntax:</c> pseudo name) that matched.</param>
/// <param name="Message">"line 12: `System.IO.File.WriteAllText` is not allowed (file system access)."</param>
public sealed record PolicyViolation(PolicyRule Rule, string Symbol, string Message, int Line, int Column)
{
    /// <summary>The file (syntax tree path) it is in.</summary>
    public string? File { get; init; }

    /// <summary>The message followed by the rule's reason and what to use instead.</summary>
    public string Explained => $"{Message} {Rule.Reason}";

    public override string ToString() => Message;
}

/// <summary>
/// Walks the semantic model of every syntax tree of a compilation and reports every reference to a
/// denied namespace, type or member: invocations, object creations (also target-typed <c>new()</c>),
/// member accesses, identifiers (incl. via <c>using static</c> and aliases), method groups and
/// delegates, type syntax (declarations, casts, <c>typeof</c>, generic arguments, base lists),
/// attributes (incl. named arguments), the types of expressions (so <c>var</c> and inferred types do not
/// hide anything), user-defined implicit conversions, <c>foreach</c>/<c>await foreach</c>,
/// <c>await</c>, query clauses, collection initializers and deconstruction; plus language constructs
/// (<c>lock</c>, <c>unsafe</c>, pointers, <c>fixed</c>, <c>stackalloc</c> into pointers, function
/// pointers, <c>extern</c>, finalizers, <c>dynamic</c>, <c>__makeref</c> &amp; co., reserved
/// namespaces and type names). Inside <c>nameof(...)</c> nothing is reported: it only produces a string.
/// </summary>
public static class PolicyChecker
{
    private static readonly string[] ReservedRoots = ["System", "Microsoft", "KataServer"];

    /// <summary>Checks every tree of <paramref name="compilation"/> (the tree filter, when given, selects which).</summary>
    /// <summary>Reported (instead of walking the tree) when a tree nests deeper than the limit.</summary>
    public static PolicyRule TooComplexRule { get; } = new("too-complex", "too deeply nested",
        "The grader does not analyse code nested this deep; split it into smaller methods or expressions.");

    public static IReadOnlyList<PolicyViolation> Check(CSharpCompilation compilation, ApiPolicy policy, Func<SyntaxTree, bool>? includeTree = null,
        CancellationToken cancellationToken = default, int maxDepth = SyntaxLimits.DefaultMaxDepth, int maxLambdaDepth = SyntaxLimits.DefaultMaxLambdaDepth)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        ArgumentNullException.ThrowIfNull(policy);
        var raw = new List<Raw>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            if (includeTree is not null && !includeTree(tree)) continue;
            // Never run semantic analysis on pathological nesting (it can overflow the stack of this process).
            // Nor on deeply nested lambdas (binding them is exponential and ignores cancellation).
            if (SyntaxLimits.Find(tree, maxDepth, maxLambdaDepth, cancellationToken) is { Node: { } deep } found)
            {
                var span = deep.GetLocation().GetMappedLineSpan();
                int line = span.StartLinePosition.Line + 1;
                raw.Add(new Raw(TooComplexRule, "syntax:too-deep",
                    found.Kind == "lambdas" ? $"lambdas nested more than {maxLambdaDepth} deep" : $"code nested more than {maxDepth} levels deep",
                    span.Path, line, span.StartLinePosition.Character + 1, deep.SpanStart));
                continue;
            }
            var model = compilation.GetSemanticModel(tree);
            new Walker(model, policy, raw, cancellationToken).Run(tree.GetRoot(cancellationToken));
        }
        return Deduplicate(raw);
    }

    /// <param name="Minor">A field or operator (enum flags, `==`): only worth one message per type and line.</param>
    private sealed record Raw(PolicyRule Rule, string Symbol, string Display, string? File, int Line, int Column, int Position, string? Owner = null, bool Minor = false);

    private static IReadOnlyList<PolicyViolation> Deduplicate(List<Raw> raw)
    {
        // Within one line and rule, keep the most specific name: `File.WriteAllText(...)` yields the type
        // `System.IO.File`, the method and its expression types; the learner needs to see the method once.
        var kept = new List<Raw>();
        foreach (var group in raw.GroupBy(r => (r.File, r.Line, r.Rule.Id)))
        {
            var items = group.OrderBy(r => r.Column).ToList();
            foreach (var r in items)
            {
                bool subsumed = items.Any(o => !ReferenceEquals(o, r) && o.Symbol.Length > r.Symbol.Length && ApiPolicy.Matches(r.Symbol, o.Symbol));
                if (subsumed) continue;
                if (kept.Any(k => k.File == r.File && k.Line == r.Line && k.Symbol == r.Symbol)) continue;
                if (r.Minor && items.Any(o => !o.Minor && o.Owner is not null && o.Owner == r.Owner)) continue;
                if (r.Minor && kept.Any(k => k.File == r.File && k.Line == r.Line && k.Rule.Id == r.Rule.Id && k.Owner == r.Owner)) continue;
                kept.Add(r);
            }
        }
        return kept
            .OrderBy(r => r.File, StringComparer.Ordinal).ThenBy(r => r.Line).ThenBy(r => r.Column)
            .Select(r => new PolicyViolation(r.Rule, r.Symbol, $"line {r.Line}: {r.Display} is not allowed ({r.Rule.Name}).", r.Line, r.Column) { File = r.File })
            .ToList();
    }

    private sealed class Walker(SemanticModel model, ApiPolicy policy, List<Raw> sink, CancellationToken cancellationToken)
    {
        public void Run(SyntaxNode root)
        {
            foreach (var node in root.DescendantNodesAndSelf(n => !IsNameOf(n)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsNameOf(node)) continue;
                VisitSyntax(node);
                VisitSemantics(node);
                VisitDeclaredSymbol(node);
                if (IsOperationRoot(node) && model.GetOperation(node, cancellationToken) is { } operation) VisitOperations(operation);
            }
        }

        private bool IsNameOf(SyntaxNode node)
            => node is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } inv
               && model.GetSymbolInfo(inv).Symbol is null;

        // ---- language constructs -------------------------------------------------------------

        private void VisitSyntax(SyntaxNode node)
        {
            switch (node)
            {
                case LockStatementSyntax s:
                    Pseudo(SyntaxNames.Lock, "a `lock` statement", s.LockKeyword.GetLocation());
                    break;
                case UnsafeStatementSyntax s:
                    Pseudo(SyntaxNames.UnsafeBlock, "an `unsafe` block", s.UnsafeKeyword.GetLocation());
                    break;
                case FixedStatementSyntax s:
                    Pseudo(SyntaxNames.Fixed, "a `fixed` statement", s.FixedKeyword.GetLocation());
                    break;
                case PointerTypeSyntax s:
                    Pseudo(SyntaxNames.Pointer, $"the pointer type `{s}`", s.GetLocation());
                    break;
                case FunctionPointerTypeSyntax s:
                    Pseudo(SyntaxNames.FunctionPointer, "a function pointer (`delegate*`)", s.GetLocation());
                    break;
                case PrefixUnaryExpressionSyntax s when s.IsKind(SyntaxKind.AddressOfExpression) || s.IsKind(SyntaxKind.PointerIndirectionExpression):
                    Pseudo(SyntaxNames.Pointer, s.IsKind(SyntaxKind.AddressOfExpression) ? "taking an address (`&x`)" : "pointer indirection (`*p`)", s.GetLocation());
                    break;
                case MemberAccessExpressionSyntax s when s.IsKind(SyntaxKind.PointerMemberAccessExpression):
                    Pseudo(SyntaxNames.Pointer, "pointer member access (`->`)", s.OperatorToken.GetLocation());
                    break;
                case StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                {
                    var info = model.GetTypeInfo(node);
                    if (info.ConvertedType is IPointerTypeSymbol || info.Type is IPointerTypeSymbol)
                        Pseudo(SyntaxNames.StackallocPointer, "`stackalloc` into a pointer", node.GetFirstToken().GetLocation());
                    break;
                }
                case MakeRefExpressionSyntax or RefTypeExpressionSyntax or RefValueExpressionSyntax:
                    Pseudo(SyntaxNames.UndocumentedKeyword, $"`{node.GetFirstToken().ValueText}`", node.GetFirstToken().GetLocation());
                    break;
                case ExpressionSyntax when node.IsKind(SyntaxKind.ArgListExpression):
                    Pseudo(SyntaxNames.UndocumentedKeyword, "`__arglist`", node.GetLocation());
                    break;
                case DestructorDeclarationSyntax s:
                    Pseudo(SyntaxNames.Finalizer, $"the finalizer `~{s.Identifier.ValueText}()`", s.TildeToken.GetLocation());
                    break;
                case BaseNamespaceDeclarationSyntax s:
                {
                    string name = s.Name.ToString().Replace(" ", "", StringComparison.Ordinal);
                    if (name.StartsWith("global::", StringComparison.Ordinal)) name = name["global::".Length..];
                    if (ReservedRoots.Any(r => ApiPolicy.Matches(r, name)))
                        Pseudo(SyntaxNames.ReservedNamespace, $"declaring the namespace `{name}`", s.Name.GetLocation());
                    break;
                }
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax when node.Parent is CompilationUnitSyntax:
                {
                    var id = node is BaseTypeDeclarationSyntax t ? t.Identifier : ((DelegateDeclarationSyntax)node).Identifier;
                    if (ReservedRoots.Contains(id.ValueText, StringComparer.Ordinal))
                        Pseudo(SyntaxNames.ReservedTypeName, $"declaring a type named `{id.ValueText}`", id.GetLocation());
                    break;
                }
            }

            if (node is MemberDeclarationSyntax or LocalFunctionStatementSyntax)
            {
                var modifiers = node switch
                {
                    MemberDeclarationSyntax m => m.Modifiers,
                    LocalFunctionStatementSyntax f => f.Modifiers,
                    _ => default,
                };
                foreach (var m in modifiers)
                {
                    if (m.IsKind(SyntaxKind.UnsafeKeyword)) Pseudo(SyntaxNames.Unsafe, "the `unsafe` modifier", m.GetLocation());
                    if (m.IsKind(SyntaxKind.ExternKeyword)) Pseudo(SyntaxNames.Extern, "an `extern` (native) method", m.GetLocation());
                }
            }
        }

        // ---- symbols ---------------------------------------------------------------------------

        private void VisitSemantics(SyntaxNode node)
        {
            switch (node)
            {
                case ExpressionSyntax expr:
                {
                    if (IsInsideUsingAlias(expr) || IsTrivial(expr)) break;
                    var loc = expr.GetLocation();
                    var symbolInfo = model.GetSymbolInfo(expr);
                    CheckSymbolInfo(symbolInfo, loc);
                    // A local or parameter had its type checked where it was declared (`var` binds to the
                    // inferred type there); anything it is converted to is a parameter of something checked.
                    if (symbolInfo.Symbol is ILocalSymbol or IParameterSymbol or IRangeVariableSymbol) break;
                    var type = model.GetTypeInfo(expr);
                    CheckType(type.Type, loc, 0);
                    if (!SymbolEqualityComparer.Default.Equals(type.Type, type.ConvertedType))
                    {
                        CheckType(type.ConvertedType, loc, 0);
                        // User-defined conversions always change the type.
                        var conversion = model.GetConversion(expr);
                        if (conversion.IsUserDefined && conversion.MethodSymbol is { } op) CheckSymbol(op, loc);
                    }
                    if (expr is AwaitExpressionSyntax awaitExpr)
                    {
                        var info = model.GetAwaitExpressionInfo(awaitExpr);
                        CheckSymbol(info.GetAwaiterMethod, loc);
                        CheckSymbol(info.IsCompletedProperty, loc);
                        CheckSymbol(info.GetResultMethod, loc);
                    }
                    if (expr is InitializerExpressionSyntax init && init.IsKind(SyntaxKind.CollectionInitializerExpression))
                    {
                        foreach (var element in init.Expressions) CheckSymbolInfo(model.GetCollectionInitializerSymbolInfo(element), element.GetLocation());
                    }
                    if (expr is AssignmentExpressionSyntax { Left: TupleExpressionSyntax or DeclarationExpressionSyntax } deconstruction)
                        CheckDeconstruction(model.GetDeconstructionInfo(deconstruction), loc, 0);
                    break;
                }
                case AttributeSyntax attribute:
                    CheckSymbolInfo(model.GetSymbolInfo(attribute), attribute.GetLocation());
                    break;
                case ConstructorInitializerSyntax ctorInit:
                    CheckSymbolInfo(model.GetSymbolInfo(ctorInit), ctorInit.GetLocation());
                    break;
                case PrimaryConstructorBaseTypeSyntax primary:
                    CheckSymbolInfo(model.GetSymbolInfo(primary), primary.GetLocation());
                    break;
                case CommonForEachStatementSyntax forEach:
                {
                    var info = model.GetForEachStatementInfo(forEach);
                    var loc = forEach.ForEachKeyword.GetLocation();
                    CheckSymbol(info.GetEnumeratorMethod, loc);
                    CheckSymbol(info.MoveNextMethod, loc);
                    CheckSymbol(info.CurrentProperty, loc);
                    CheckSymbol(info.DisposeMethod, loc);
                    if (info.ElementConversion.IsUserDefined) CheckSymbol(info.ElementConversion.MethodSymbol, loc);
                    if (forEach is ForEachVariableStatementSyntax fev)
                        CheckDeconstruction(model.GetDeconstructionInfo(fev), loc, 0);
                    break;
                }
                case QueryClauseSyntax clause:
                {
                    var info = model.GetQueryClauseInfo(clause);
                    CheckSymbolInfo(info.CastInfo, clause.GetLocation());
                    CheckSymbolInfo(info.OperationInfo, clause.GetLocation());
                    break;
                }
                case SelectOrGroupClauseSyntax selectOrGroup:
                    CheckSymbolInfo(model.GetSymbolInfo(selectOrGroup), selectOrGroup.GetLocation());
                    break;
                case OrderingSyntax ordering:
                    CheckSymbolInfo(model.GetSymbolInfo(ordering), ordering.GetLocation());
                    break;
                case VariableDeclarationSyntax or ParameterSyntax or PropertyDeclarationSyntax or BaseTypeSyntax:
                    // Covered through their TypeSyntax children.
                    break;
            }
        }

        /// <summary>
        /// Nodes whose symbol and type are already seen through their parent (the <c>Name</c> of
        /// <c>a.Name</c> or <c>A.B.Name</c>), or that cannot name anything (literals, <c>this</c>,
        /// keywords for built-in types, parentheses). Skipping them halves the semantic queries.
        /// </summary>
        private static bool IsTrivial(ExpressionSyntax expr) => expr switch
        {
            LiteralExpressionSyntax or PredefinedTypeSyntax or ThisExpressionSyntax or BaseExpressionSyntax
                or ParenthesizedExpressionSyntax or OmittedArraySizeExpressionSyntax or OmittedTypeArgumentSyntax => true,
            SimpleNameSyntax name => name.Parent switch
            {
                MemberAccessExpressionSyntax ma when ma.Name == name => true,
                QualifiedNameSyntax qn when qn.Right == name => true,
                MemberBindingExpressionSyntax => false,
                _ => false,
            },
            _ => false,
        };

        private static bool IsInsideUsingAlias(ExpressionSyntax expr)
            => expr.Parent is NameEqualsSyntax { Parent: UsingDirectiveSyntax };

        private void CheckDeconstruction(DeconstructionInfo info, Location loc, int depth)
        {
            if (depth > 8) return;
            CheckSymbol(info.Method, loc);
            if (info.Conversion is { IsUserDefined: true, MethodSymbol: { } m }) CheckSymbol(m, loc);
            foreach (var nested in info.Nested) CheckDeconstruction(nested, loc, depth + 1);
        }

        private void CheckSymbolInfo(SymbolInfo info, Location loc)
        {
            if (info.Symbol is not null)
            {
                CheckSymbol(info.Symbol, loc);
                return;
            }
            foreach (var candidate in info.CandidateSymbols) CheckSymbol(candidate, loc);
        }

        private void CheckSymbol(ISymbol? symbol, Location loc)
        {
            switch (symbol)
            {
                case null or INamespaceSymbol or IParameterSymbol or ILocalSymbol or IRangeVariableSymbol or ILabelSymbol
                    or IDiscardSymbol or IPreprocessingSymbol or ITypeParameterSymbol:
                    return;
                case IAliasSymbol alias:
                    CheckSymbol(alias.Target, loc);
                    return;
                case ITypeSymbol type:
                    CheckType(type, loc, 0);
                    return;
                case IMethodSymbol method:
                {
                    method = method.ReducedFrom ?? method;
                    if (method.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction) return;
                    foreach (var typeArg in method.TypeArguments) CheckType(typeArg, loc, 0);
                    CheckMember(method.OriginalDefinition, loc);
                    return;
                }
                default:
                    CheckMember(symbol.OriginalDefinition, loc);
                    return;
            }
        }

        private void CheckMember(ISymbol member, Location loc)
        {
            if (IsFromSource(member)) return;
            string? name = SymbolNames.QualifiedName(member);
            if (name is null) return;
            string ns = SymbolNames.NamespaceOf(member);
            var decision = policy.Evaluate(name, ns);
            // A wait handle constructed with a name is shared system-wide (other processes, other jobs).
            if (!decision.Denied && member is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor
                && ctor.Parameters.Any(p => p.Name == "name" && p.Type.SpecialType == SpecialType.System_String))
            {
                var named = policy.Evaluate(name + DefaultPolicyTable.NamedArgument, ns);
                if (named.Denied)
                {
                    Report(named.Rule!, name + DefaultPolicyTable.NamedArgument, $"{SymbolNames.Display(member, name)} with a name", loc);
                    return;
                }
            }
            if (!decision.Denied) return;
            if (decision.Rule == DefaultPolicyTable.ExplicitLayout && IsTypeSafeExplicitLayoutAt(loc)) return;
            bool minor = member is IFieldSymbol || member is IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator or MethodKind.BuiltinOperator };
            string? owner = member.ContainingType is { } t ? SymbolNames.QualifiedName(t.OriginalDefinition) : null;
            Report(decision.Rule!, name, SymbolNames.Display(member, name), loc, owner, minor);
        }

        /// <summary>
        /// Explicit layout is type-safe when nothing in the type can hold a reference: every instance field,
        /// property (an auto-property or one using <c>field</c> has a hidden backing field) and event is of an
        /// unmanaged type, and a class derives from object. Checked for the type declaration around <paramref name="loc"/>.
        /// </summary>
        private bool IsTypeSafeExplicitLayoutAt(Location loc)
        {
            if (loc.SourceTree is not { } tree || tree != model.SyntaxTree) return false;
            var node = tree.GetRoot(cancellationToken).FindNode(loc.SourceSpan, getInnermostNodeForTie: true);
            if (node.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault() is not { } declaration) return false;
            if (model.GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type) return false;
            if (type.TypeKind == TypeKind.Class && type.BaseType?.SpecialType != SpecialType.System_Object) return false;
            if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct)) return false;
            foreach (var m in type.GetMembers())
            {
                if (m.IsStatic) continue;
                ITypeSymbol? held = m switch
                {
                    IFieldSymbol { IsConst: false } f => f.Type,
                    IPropertySymbol { IsIndexer: false } p => p.Type,
                    IEventSymbol e => e.Type,
                    _ => null,
                };
                if (held is not null && !held.IsUnmanagedType) return false;
            }
            return true;
        }

        /// <summary>A property read (<c>.get</c>) or write (<c>.set</c>), for rules on one direction (reading Thread.Name).</summary>
        private void CheckPropertyAccess(IPropertyReferenceOperation reference, Location loc)
        {
            var property = reference.Property.OriginalDefinition;
            if (IsFromSource(property) || SymbolNames.QualifiedName(property) is not { } name) return;
            bool writeOnly = reference.Parent is ISimpleAssignmentOperation assignment && assignment.Target == reference
                || reference.Parent is ITupleOperation { Parent: IDeconstructionAssignmentOperation };
            string accessed = name + (writeOnly ? ".set" : DefaultPolicyTable.PropertyRead);
            var decision = policy.Evaluate(accessed, SymbolNames.NamespaceOf(property));
            if (decision.Denied && decision.MatchedPrefix is { } prefix && prefix.Length > name.Length)
                Report(decision.Rule!, accessed, writeOnly ? $"setting `{name}`" : $"reading `{name}`", loc);
        }

        private void CheckType(ITypeSymbol? type, Location loc, int depth)
        {
            if (type is null || depth > 16) return;
            switch (type)
            {
                case IArrayTypeSymbol array:
                    CheckType(array.ElementType, loc, depth + 1);
                    return;
                case IPointerTypeSymbol pointer:
                    Pseudo(SyntaxNames.Pointer, "a pointer type", loc);
                    CheckType(pointer.PointedAtType, loc, depth + 1);
                    return;
                case IFunctionPointerTypeSymbol:
                    Pseudo(SyntaxNames.FunctionPointer, "a function pointer (`delegate*`)", loc);
                    return;
                case { TypeKind: TypeKind.Dynamic }:
                    Pseudo(SyntaxNames.Dynamic, "`dynamic`", loc);
                    return;
                case INamedTypeSymbol named:
                {
                    if (named.TypeKind == TypeKind.Error) return;
                    if (!IsFromSource(named))
                    {
                        string? name = SymbolNames.QualifiedName(named.OriginalDefinition);
                        if (name is not null)
                        {
                            var decision = policy.EvaluateType(name, SymbolNames.NamespaceOf(named));
                            if (decision.Denied && !(decision.Rule == DefaultPolicyTable.ExplicitLayout && IsTypeSafeExplicitLayoutAt(loc)))
                                Report(decision.Rule!, name, $"`{name}`", loc);
                        }
                    }
                    foreach (var arg in named.TypeArguments) CheckType(arg, loc, depth + 1);
                    if (named.ContainingType is { } outer && !ReferenceEquals(outer, named)) CheckTypeArgumentsOnly(outer, loc, depth + 1);
                    return;
                }
            }
        }

        // ---- bound operations: everything the compiler binds, implicit calls included ------------

        /// <summary>
        /// Nodes whose operation tree covers a whole body or initializer: member bodies, expression-bodied
        /// properties, field / property / parameter / enum initializers, attributes and primary-constructor base calls.
        /// </summary>
        private static bool IsOperationRoot(SyntaxNode node) => node switch
        {
            BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or AttributeSyntax or PrimaryConstructorBaseTypeSyntax => true,
            ArrowExpressionClauseSyntax arrow => arrow.Parent is PropertyDeclarationSyntax or IndexerDeclarationSyntax,
            EqualsValueClauseSyntax equals => equals.Parent is ParameterSyntax or PropertyDeclarationSyntax or EnumMemberDeclarationSyntax
                || equals.Parent is VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax },
            _ => false,
        };

        private void VisitOperations(IOperation root)
        {
            var pending = new Stack<IOperation>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var operation = pending.Pop();
                // nameof(...) only produces a string; nothing inside it runs or binds at run time.
                if (operation is INameOfOperation) continue;
                VisitOperation(operation);
                foreach (var child in operation.ChildOperations) pending.Push(child);
            }
        }

        private void VisitOperation(IOperation operation)
        {
            var loc = operation.Syntax.GetLocation();
            CheckType(operation.Type, loc, 0);
            switch (operation)
            {
                case IInvocationOperation invocation:
                    CheckSymbol(invocation.TargetMethod, loc);
                    break;
                case IObjectCreationOperation creation:
                    CheckSymbol(creation.Constructor, loc);
                    break;
                case IPropertyReferenceOperation property:
                    CheckSymbol(property.Property, loc);
                    CheckPropertyAccess(property, loc);
                    break;
                case IMemberReferenceOperation member:
                    CheckSymbol(member.Member, loc);
                    break;
                case IConversionOperation conversion:
                    CheckSymbol(conversion.OperatorMethod, loc);
                    break;
                case IUnaryOperation unary:
                    CheckSymbol(unary.OperatorMethod, loc);
                    break;
                case IBinaryOperation binary:
                    CheckSymbol(binary.OperatorMethod, loc);
                    break;
                case ICompoundAssignmentOperation compound:
                    CheckSymbol(compound.OperatorMethod, loc);
                    CheckSymbol(compound.InConversion.MethodSymbol, loc);
                    CheckSymbol(compound.OutConversion.MethodSymbol, loc);
                    break;
                case IIncrementOrDecrementOperation increment:
                    CheckSymbol(increment.OperatorMethod, loc);
                    break;
                case IArgumentOperation argument:
                    CheckSymbol(argument.InConversion.MethodSymbol, loc);
                    CheckSymbol(argument.OutConversion.MethodSymbol, loc);
                    break;
                case ITypeOfOperation typeOf:
                    CheckType(typeOf.TypeOperand, loc, 0);
                    break;
                case ISizeOfOperation sizeOf:
                    CheckType(sizeOf.TypeOperand, loc, 0);
                    break;
                case IIsTypeOperation isType:
                    CheckType(isType.TypeOperand, loc, 0);
                    break;
                case IDeclarationPatternOperation declaration:
                    CheckType(declaration.MatchedType, loc, 0);
                    break;
                case ITypePatternOperation typePattern:
                    CheckType(typePattern.MatchedType, loc, 0);
                    break;
                case IRecursivePatternOperation recursive:
                    CheckType(recursive.MatchedType, loc, 0);
                    CheckSymbol(recursive.DeconstructSymbol, loc);
                    break;
                case ICollectionExpressionOperation collection:
                    CheckSymbol(collection.ConstructMethod, loc);
                    break;
                case IWithOperation with:
                    CheckSymbol(with.CloneMethod, loc);
                    break;
                case ICatchClauseOperation catchClause:
                    CheckType(catchClause.ExceptionType, loc, 0);
                    break;
                case IVariableDeclaratorOperation declarator:
                    CheckType(declarator.Symbol.Type, loc, 0);
                    break;
                case ILocalFunctionOperation localFunction:
                    CheckSignature(localFunction.Symbol, loc);
                    break;
                case IAnonymousFunctionOperation lambda:
                    CheckSignature(lambda.Symbol, loc);
                    break;
                case IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicObjectCreationOperation or IDynamicIndexerAccessOperation:
                    Pseudo(SyntaxNames.Dynamic, "`dynamic`", loc);
                    break;
                case IFunctionPointerInvocationOperation:
                    Pseudo(SyntaxNames.FunctionPointer, "a function pointer (`delegate*`)", loc);
                    break;
            }
        }

        private void CheckSignature(IMethodSymbol method, Location loc)
        {
            CheckType(method.ReturnType, loc, 0);
            foreach (var p in method.Parameters) CheckType(p.Type, loc, 0);
            foreach (var t in method.TypeParameters)
            {
                foreach (var c in t.ConstraintTypes) CheckType(c, loc, 0);
            }
        }

        // ---- declared symbols: attributes (also their typeof and enum arguments), signatures, bases ----

        private void VisitDeclaredSymbol(SyntaxNode node)
        {
            if (node is not (MemberDeclarationSyntax or LocalFunctionStatementSyntax or ParameterSyntax or TypeParameterSyntax)
                || node is BaseNamespaceDeclarationSyntax or GlobalStatementSyntax) return;
            var symbol = node is BaseFieldDeclarationSyntax field
                ? field.Declaration.Variables.Select(v => model.GetDeclaredSymbol(v, cancellationToken)).FirstOrDefault()
                : model.GetDeclaredSymbol(node, cancellationToken);
            if (symbol is null) return;
            var loc = node switch
            {
                BaseTypeDeclarationSyntax t => t.Identifier.GetLocation(),
                MethodDeclarationSyntax m => m.Identifier.GetLocation(),
                _ => node.GetLocation(),
            };
            foreach (var attribute in symbol.GetAttributes()) CheckAttribute(attribute, loc);
            switch (symbol)
            {
                case INamedTypeSymbol type:
                    CheckType(type.BaseType, loc, 0);
                    foreach (var i in type.Interfaces) CheckType(i, loc, 0);
                    foreach (var t in type.TypeParameters)
                    {
                        foreach (var c in t.ConstraintTypes) CheckType(c, loc, 0);
                    }
                    break;
                case IMethodSymbol method:
                    CheckSignature(method, loc);
                    foreach (var attribute in method.GetReturnTypeAttributes()) CheckAttribute(attribute, loc);
                    foreach (var implemented in method.ExplicitInterfaceImplementations) CheckSymbol(implemented, loc);
                    break;
                case IPropertySymbol property:
                    CheckType(property.Type, loc, 0);
                    break;
                case IFieldSymbol f:
                    CheckType(f.Type, loc, 0);
                    break;
                case IEventSymbol e:
                    CheckType(e.Type, loc, 0);
                    break;
                case IParameterSymbol parameter:
                    CheckType(parameter.Type, loc, 0);
                    break;
            }
        }

        private void CheckAttribute(AttributeData attribute, Location fallback)
        {
            var loc = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? fallback;
            CheckType(attribute.AttributeClass, loc, 0);
            CheckSymbol(attribute.AttributeConstructor, loc);
            foreach (var argument in attribute.ConstructorArguments) CheckConstant(argument, loc, 0);
            foreach (var named in attribute.NamedArguments)
            {
                if (attribute.AttributeClass?.GetMembers(named.Key).FirstOrDefault() is { } member) CheckSymbol(member, loc);
                CheckConstant(named.Value, loc, 0);
            }
        }

        private void CheckConstant(TypedConstant constant, Location loc, int depth)
        {
            if (depth > 8) return;
            CheckType(constant.Type, loc, 0);
            if (constant.Kind == TypedConstantKind.Type && constant.Value is ITypeSymbol type) CheckType(type, loc, 0);
            if (constant.Kind == TypedConstantKind.Array && !constant.IsNull)
            {
                foreach (var element in constant.Values) CheckConstant(element, loc, depth + 1);
            }
        }

        private void CheckTypeArgumentsOnly(INamedTypeSymbol type, Location loc, int depth)
        {
            foreach (var arg in type.TypeArguments) CheckType(arg, loc, depth + 1);
        }

        private static bool IsFromSource(ISymbol symbol) => symbol.Locations.Any(l => l.IsInSource);

        private void Pseudo(string name, string display, Location loc)
        {
            var decision = policy.Evaluate(name);
            if (decision.Denied) Report(decision.Rule!, name, display, loc);
        }

        private void Report(PolicyRule rule, string symbol, string display, Location loc, string? owner = null, bool minor = false)
        {
            var span = loc.GetMappedLineSpan();
            sink.Add(new Raw(rule, symbol, display, span.Path, span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1, loc.SourceSpan.Start, owner, minor));
        }
    }
}

/// <summary>The canonical names policies match against.</summary>
public static class SymbolNames
{
    /// <summary>The namespace the symbol's outermost containing type is declared in ("" for the global namespace).</summary>
    public static string NamespaceOf(ISymbol symbol)
    {
        var type = symbol as INamedTypeSymbol ?? symbol.ContainingType;
        while (type?.ContainingType is { } outer) type = outer;
        var ns = type?.ContainingNamespace ?? symbol.ContainingNamespace;
        return ns is null || ns.IsGlobalNamespace ? "" : ns.ToDisplayString();
    }

    /// <summary>
    /// <c>Namespace.Type.Nested.Member</c>, no generic arity or arguments; constructors end in
    /// <c>..ctor</c>, indexers in <c>.this[]</c>. Null for symbols that have no such name.
    /// </summary>
    public static string? QualifiedName(ISymbol symbol)
    {
        switch (symbol)
        {
            case INamespaceSymbol ns:
                return ns.IsGlobalNamespace ? "" : ns.ToDisplayString();
            case INamedTypeSymbol type:
            {
                string? container = type.ContainingType is { } outer
                    ? QualifiedName(outer)
                    : type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null;
                return container is null ? type.Name : container + "." + type.Name;
            }
            case IMethodSymbol method when method.ContainingType is { } owner:
            {
                string memberName = method.MethodKind switch
                {
                    MethodKind.Constructor => ".ctor",
                    MethodKind.StaticConstructor => ".cctor",
                    _ => method.Name,
                };
                return QualifiedName(owner) + "." + memberName;
            }
            case IPropertySymbol { IsIndexer: true } indexer when indexer.ContainingType is { } owner:
                return QualifiedName(owner) + ".this[]";
            case { ContainingType: { } owner }:
                return QualifiedName(owner) + "." + symbol.Name;
            default:
                return null;
        }
    }

    /// <summary>How a name appears in a learner message.</summary>
    public static string Display(ISymbol symbol, string qualifiedName)
    {
        if (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor && ctor.ContainingType is { } t)
        {
            string typeName = QualifiedName(t) ?? t.Name;
            if (t.TypeKind == TypeKind.Class && t.BaseType?.ToDisplayString() == "System.Attribute" || t.Name.EndsWith("Attribute", StringComparison.Ordinal))
                return $"the attribute `[{(typeName.EndsWith("Attribute", StringComparison.Ordinal) ? typeName[..^"Attribute".Length] : typeName)}]`";
            return $"`new {typeName}(...)`";
        }
        return $"`{qualifiedName}`";
    }
}
