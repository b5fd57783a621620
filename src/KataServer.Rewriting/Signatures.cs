using System.Text;
using Mono.Cecil;

namespace KataServer.Rewriting;

/// <summary>
/// Normalized, assembly-independent spellings of Cecil types and method signatures, used to match call sites
/// against replacement methods. Custom modifiers (<c>modreq(InAttribute)</c>, <c>modreq(IsVolatile)</c>) are ignored,
/// type-level generic parameters are <c>!n</c>, method-level ones <c>!!n</c>, nested types are joined by <c>/</c>.
/// </summary>
internal static class Signatures
{
    /// <summary>The name of a type without generic arguments: <c>System.Threading.Tasks.TaskCompletionSource`1</c>, <c>System.Threading.Lock/Scope</c>.</summary>
    public static string TypeKey(TypeReference type)
    {
        while (type is TypeSpecification spec)
        {
            type = spec.ElementType;
        }

        if (type.DeclaringType is { } outer)
        {
            return TypeKey(outer) + "/" + type.Name;
        }

        return string.IsNullOrEmpty(type.Namespace) ? type.Name : type.Namespace + "." + type.Name;
    }

    public static string Type(TypeReference type)
    {
        var sb = new StringBuilder();
        Append(sb, type);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, TypeReference type)
    {
        switch (type)
        {
            case GenericParameter gp:
                sb.Append(gp.Type == GenericParameterType.Method ? "!!" : "!").Append(gp.Position);
                return;
            case RequiredModifierType req:
                Append(sb, req.ElementType);
                return;
            case OptionalModifierType opt:
                Append(sb, opt.ElementType);
                return;
            case PinnedType pinned:
                Append(sb, pinned.ElementType);
                return;
            case ByReferenceType byRef:
                Append(sb, byRef.ElementType);
                sb.Append('&');
                return;
            case PointerType ptr:
                Append(sb, ptr.ElementType);
                sb.Append('*');
                return;
            case ArrayType array:
                Append(sb, array.ElementType);
                sb.Append('[').Append(',', Math.Max(0, array.Rank - 1)).Append(']');
                return;
            case GenericInstanceType git:
                sb.Append(TypeKey(git.ElementType)).Append('<');
                for (var i = 0; i < git.GenericArguments.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Append(sb, git.GenericArguments[i]);
                }

                sb.Append('>');
                return;
            case FunctionPointerType:
                sb.Append("method*");
                return;
            default:
                sb.Append(TypeKey(type));
                if (type.HasGenericParameters && type is not TypeSpecification)
                {
                    // An open generic definition used as a type (only inside its own definition): spell it as instantiated over its own parameters.
                    sb.Append('<');
                    for (var i = 0; i < type.GenericParameters.Count; i++)
                    {
                        sb.Append(i > 0 ? ",!" : "!").Append(i);
                    }

                    sb.Append('>');
                }

                return;
        }
    }

    /// <summary>The receiver type of an instance method of <paramref name="declaringType"/>, over its own generic parameters.</summary>
    public static string SelfType(TypeReference declaringType, int arity)
    {
        var key = TypeKey(declaringType);
        if (arity == 0)
        {
            return key;
        }

        var sb = new StringBuilder(key).Append('<');
        for (var i = 0; i < arity; i++)
        {
            sb.Append(i > 0 ? ",!" : "!").Append(i);
        }

        return sb.Append('>').ToString();
    }

    public static string Method(string name, IEnumerable<string> parameters, string returnType, int genericArity) =>
        name + (genericArity > 0 ? "``" + genericArity : "") + "(" + string.Join(",", parameters) + ")" + returnType;

    /// <summary>A readable spelling for reports: <c>System.Threading.Monitor::Enter</c>.</summary>
    public static string ApiName(MethodReference method) => TypeKey(method.DeclaringType) + "::" + method.Name;

    public static string Namespace(TypeReference type)
    {
        while (type is TypeSpecification spec)
        {
            type = spec.ElementType;
        }

        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type.Namespace;
    }
}
