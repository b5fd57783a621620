namespace KataServer.Testing.Linearizability;

/// <summary>
/// One recorded operation: invoked at <see cref="CallTime"/> and, unless pending, returned at
/// <see cref="ReturnTime"/>. Times are any monotonic clock shared by all threads (Stopwatch ticks
/// or a sequence counter); equal times are treated as overlapping.
/// </summary>
public sealed record Operation
{
    /// <summary>Position in its <see cref="History"/> (0..Count-1).</summary>
    public int Id { get; init; }

    public required int ThreadId { get; init; }

    /// <summary>Position of this operation among its thread's operations.</summary>
    public int Index { get; init; }

    public required string Name { get; init; }

    public object? Argument { get; init; }

    /// <summary>The returned value, a <see cref="Thrown"/>, or <see cref="NoResult.Value"/> for void calls. Ignored while pending.</summary>
    public object? Result { get; init; }

    public required long CallTime { get; init; }

    /// <summary>Null when the operation never returned (a stuck or abandoned thread).</summary>
    public long? ReturnTime { get; init; }

    public bool IsPending => ReturnTime is null;

    public ModelCall ToCall() => new(Name, Argument, IsPending ? null : Result, IsPending);

    /// <summary><c>TryPop() -> (true, 1)</c>, <c>Push(1)</c>, <c>Take() (no return)</c>.</summary>
    public string Describe()
    {
        var call = Values.FormatCall(Name, Argument);
        if (IsPending)
        {
            return call + " (never returned)";
        }

        var result = Values.Format(Result);
        return result.Length == 0 ? call : call + " -> " + result;
    }

    public override string ToString() => $"[t{ThreadId} {CallTime}..{(ReturnTime is { } r ? r.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")}] {Describe()}";
}

/// <summary>What a sequential model sees for one step: the call and the result it must explain.</summary>
public readonly record struct ModelCall(string Name, object? Argument, object? Result, bool IsPending)
{
    /// <summary>Case-insensitive operation-name test.</summary>
    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the recorded result equals <paramref name="expected"/>, or the call is pending (any result allowed).</summary>
    public bool Returned(object? expected) => IsPending || Values.AreEqual(Result, expected);

    public bool Threw => !IsPending && Result is Thrown;

    /// <summary>For a pending call or a void call: no result to compare.</summary>
    public bool HasNoValue => IsPending || Result is null || Result is NoResult;

    /// <summary>The <paramref name="index"/>th element of a tuple argument such as <c>(key, value)</c>.</summary>
    public object? Arg(int index) =>
        Argument is System.Runtime.CompilerServices.ITuple t ? t[index] :
        index == 0 ? Argument : throw new ArgumentException($"operation {Name} expects a tuple argument");

    /// <summary>The success flag of a <c>(bool, value)</c> result, or of a plain bool result.</summary>
    public bool? Flag => Result switch
    {
        bool b => b,
        System.Runtime.CompilerServices.ITuple t when t.Length > 0 && t[0] is bool b => b,
        _ => null,
    };

    /// <summary>The value of a <c>(bool, value)</c> result.</summary>
    public object? Value => Result is System.Runtime.CompilerServices.ITuple t && t.Length > 1 ? t[1] : Result;
}
