using System.Collections;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace KataServer.Testing.Linearizability;

/// <summary>The result recorded for an operation that threw: the exception's type name and message.</summary>
public sealed record Thrown(string ExceptionType, string Message)
{
    public static Thrown From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new Thrown(exception.GetType().Name, exception.Message);
    }

    public bool Is<TException>() where TException : Exception =>
        string.Equals(ExceptionType, typeof(TException).Name, StringComparison.Ordinal);

    public override string ToString() => "threw " + ExceptionType;
}

/// <summary>The result of an operation that returns nothing (a <c>void</c> method).</summary>
public sealed class NoResult
{
    public static readonly NoResult Value = new();

    private NoResult()
    {
    }

    public override string ToString() => "";
}

/// <summary>
/// Value equality, hashing and formatting used by the models and the renderer. Integral numbers of
/// different CLR types compare equal by value (a recorded <c>long</c> 1 equals a pushed <c>int</c> 1),
/// tuples compare element by element.
/// </summary>
public static class Values
{
    public static readonly IEqualityComparer<object?> Comparer = new ValueComparer();

    public static bool AreEqual(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        if (TryIntegral(a, out var la) && TryIntegral(b, out var lb))
        {
            return la == lb;
        }

        if (a is ITuple ta && b is ITuple tb && a is not string)
        {
            if (ta.Length != tb.Length)
            {
                return false;
            }

            for (var i = 0; i < ta.Length; i++)
            {
                if (!AreEqual(ta[i], tb[i]))
                {
                    return false;
                }
            }

            return true;
        }

        return a.Equals(b);
    }

    public static int Hash(object? value)
    {
        if (value is null)
        {
            return 0;
        }

        if (TryIntegral(value, out var l))
        {
            return l.GetHashCode();
        }

        if (value is ITuple t)
        {
            var h = new HashCode();
            for (var i = 0; i < t.Length; i++)
            {
                h.Add(Hash(t[i]));
            }

            return h.ToHashCode();
        }

        return value.GetHashCode();
    }

    private static bool TryIntegral(object value, out long result)
    {
        switch (value)
        {
            case int i: result = i; return true;
            case long l: result = l; return true;
            case short s: result = s; return true;
            case byte b: result = b; return true;
            case sbyte sb: result = sb; return true;
            case ushort us: result = us; return true;
            case uint ui: result = ui; return true;
            case ulong ul when ul <= long.MaxValue: result = (long)ul; return true;
            default: result = 0; return false;
        }
    }

    /// <summary>Formats a value for a learner: <c>true</c>, <c>1</c>, <c>"a"</c>, <c>(true, 1)</c>, <c>threw X</c>.</summary>
    public static string Format(object? value)
    {
        switch (value)
        {
            case null: return "null";
            case NoResult: return "";
            case Thrown t: return t.ToString();
            case bool b: return b ? "true" : "false";
            case string s: return "\"" + s + "\"";
            case char c: return "'" + c + "'";
            case IFormattable f when value is not ITuple: return f.ToString(null, CultureInfo.InvariantCulture);
            case ITuple t:
                {
                    var sb = new StringBuilder("(");
                    for (var i = 0; i < t.Length; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(", ");
                        }

                        sb.Append(Format(t[i]));
                    }

                    return sb.Append(')').ToString();
                }

            case IEnumerable e:
                {
                    var sb = new StringBuilder("[");
                    var first = true;
                    foreach (var item in e)
                    {
                        if (!first)
                        {
                            sb.Append(", ");
                        }

                        first = false;
                        sb.Append(Format(item));
                    }

                    return sb.Append(']').ToString();
                }

            default: return value.ToString() ?? "";
        }
    }

    /// <summary>Formats a call such as <c>Push(1)</c> or <c>TryPop()</c>.</summary>
    public static string FormatCall(string name, object? argument) =>
        argument is null ? name + "()" :
        argument is ITuple t && argument is not string ? name + Format(argument) :
        name + "(" + Format(argument) + ")";

    private sealed class ValueComparer : IEqualityComparer<object?>
    {
        public new bool Equals(object? x, object? y) => AreEqual(x, y);

        public int GetHashCode(object? obj) => Hash(obj);
    }
}
