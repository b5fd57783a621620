using System.Reflection;
using KataServer.Scheduling.Interception;
using Xunit.Abstractions;

namespace KataServer.Scheduling.Tests;

/// <summary>Every public method of an [Intercepts] class must replace a real member of its target under the rewriter's conventions.</summary>
public class InterceptionContractTests(ITestOutputHelper output)
{
    private static Type Normalize(Type t) => t.IsGenericType && !t.IsGenericTypeDefinition && t.ContainsGenericParameters ? t.GetGenericTypeDefinition() : t;

    private static bool SameType(Type a, Type b)
    {
        if (a.IsByRef != b.IsByRef)
        {
            return false;
        }

        if (a.IsByRef)
        {
            return SameType(a.GetElementType()!, b.GetElementType()!);
        }

        if (a.IsGenericParameter || b.IsGenericParameter)
        {
            return a.IsGenericParameter && b.IsGenericParameter && a.GenericParameterPosition == b.GenericParameterPosition;
        }

        if (a.IsArray || b.IsArray)
        {
            return a.IsArray && b.IsArray && SameType(a.GetElementType()!, b.GetElementType()!);
        }

        if (a.IsGenericType || b.IsGenericType)
        {
            if (!a.IsGenericType || !b.IsGenericType || Normalize(a.GetGenericTypeDefinition()) != Normalize(b.GetGenericTypeDefinition()))
            {
                return false;
            }

            var x = a.GetGenericArguments();
            var y = b.GetGenericArguments();
            return x.Length == y.Length && x.Zip(y).All(p => SameType(p.First, p.Second));
        }

        return a == b;
    }

    private static bool SameParameters(IEnumerable<Type> a, IEnumerable<Type> b)
    {
        var x = a.ToArray();
        var y = b.ToArray();
        return x.Length == y.Length && x.Zip(y).All(p => SameType(p.First, p.Second));
    }

    [Fact]
    public void EveryReplacementMatchesARealMember()
    {
        var classes = typeof(InterceptsAttribute).Assembly.GetTypes().Where(t => t.GetCustomAttributes<InterceptsAttribute>().Any()).ToList();
        Assert.True(classes.Count >= 25, "intercept classes: " + classes.Count);
        var problems = new List<string>();
        int count = 0;
        foreach (var cls in classes)
        {
            foreach (var attr in cls.GetCustomAttributes<InterceptsAttribute>())
            {
                var target = attr.Target;
                Assert.Equal(target.IsGenericTypeDefinition ? target.GetGenericArguments().Length : 0, cls.IsGenericTypeDefinition ? cls.GetGenericArguments().Length : 0);
                foreach (var m in cls.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
                {
                    count++;
                    var ps = m.GetParameters().Select(p => p.ParameterType).ToArray();
                    bool ok;
                    if (m.Name == "New")
                    {
                        ok = target.GetConstructors().Any(c => SameParameters(c.GetParameters().Select(p => p.ParameterType), ps))
                            && SameType(m.ReturnType, target.IsGenericTypeDefinition ? target.MakeGenericType(cls.GetGenericArguments()) : target);
                    }
                    else
                    {
                        var candidates = target.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance).Where(r => r.Name == m.Name && r.GetGenericArguments().Length == m.GetGenericArguments().Length);
                        ok = candidates.Any(r =>
                        {
                            var rps = r.GetParameters().Select(p => p.ParameterType);
                            if (!r.IsStatic)
                            {
                                var self = target.IsGenericTypeDefinition ? target.MakeGenericType(target.GetGenericArguments()) : target;
                                rps = rps.Prepend(target.IsValueType ? self.MakeByRefType() : self);
                            }

                            return SameParameters(rps, ps) && SameType(r.ReturnType, m.ReturnType);
                        });
                    }

                    if (!ok)
                    {
                        problems.Add($"{cls.Name}.{m}");
                    }
                }
            }
        }

        output.WriteLine($"{classes.Count} classes, {count} replacement methods");
        Assert.True(problems.Count == 0, "No matching real member for:\n" + string.Join("\n", problems));
    }
}
