namespace KataServer.Scheduling.Interception;

/// <summary>
/// Marks a static class whose methods replace calls to <see cref="Target"/> in rewritten code.
/// Conventions the rewriter follows (see KataServer.Rewriting):
/// <list type="bullet">
/// <item>static method <c>T.M(args)</c> -> <c>M(args)</c> with the same name and parameters;</item>
/// <item>instance method <c>T.M(args)</c> -> static <c>M(T self, args)</c> (<c>ref T self</c> when T is a value type);</item>
/// <item>constructor <c>new T(args)</c> -> static <c>T New(args)</c>;</item>
/// <item>property accessors by their IL names (<c>get_X</c>, <c>set_X</c>);</item>
/// <item>generic targets (<c>typeof(TaskCompletionSource&lt;&gt;)</c>) are replaced by a generic class of the same arity.</item>
/// </list>
/// A call with no matching replacement is left alone.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class InterceptsAttribute(Type target) : Attribute
{
    public Type Target { get; } = target;
}
