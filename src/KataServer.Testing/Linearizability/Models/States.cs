using System.Collections.Immutable;

namespace KataServer.Testing.Linearizability;

/// <summary>An immutable stack (cons list) with structural equality and an O(1) cached hash.</summary>
public sealed class StackState : IEquatable<StackState>
{
    public static readonly StackState Empty = new(null, null, 0, 17);

    private readonly object? top;
    private readonly StackState? rest;
    private readonly int hash;

    private StackState(object? top, StackState? rest, int count, int hash)
    {
        this.top = top;
        this.rest = rest;
        Count = count;
        this.hash = hash;
    }

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    public object? Top => IsEmpty ? throw new InvalidOperationException("empty") : top;

    public StackState Push(object? value) => new(value, this, Count + 1, HashCode.Combine(hash, Values.Hash(value)));

    public StackState Pop() => rest ?? throw new InvalidOperationException("empty");

    /// <summary>Items, top first.</summary>
    public IEnumerable<object?> Items()
    {
        for (var s = this; !s.IsEmpty; s = s.rest!)
        {
            yield return s.top;
        }
    }

    public bool Equals(StackState? other)
    {
        if (other is null || other.Count != Count || other.hash != hash)
        {
            return false;
        }

        for (StackState a = this, b = other; !a.IsEmpty; a = a.rest!, b = b.rest!)
        {
            if (ReferenceEquals(a, b))
            {
                return true;
            }

            if (!Values.AreEqual(a.top, b.top))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as StackState);

    public override int GetHashCode() => hash;

    public override string ToString() => IsEmpty ? "empty" : Values.Format(Items().ToList()) + " (top first)";
}

/// <summary>An immutable sequence (queue contents, front first) with structural equality and a cached hash. Updates copy.</summary>
public sealed class SeqState : IEquatable<SeqState>
{
    public static readonly SeqState Empty = new([]);

    private readonly object?[] items;
    private readonly int hash;

    private SeqState(object?[] items)
    {
        this.items = items;
        var h = new HashCode();
        foreach (var i in items)
        {
            h.Add(Values.Hash(i));
        }

        hash = h.ToHashCode();
    }

    public int Count => items.Length;

    public bool IsEmpty => items.Length == 0;

    public object? Front => items[0];

    public IReadOnlyList<object?> Items => items;

    public SeqState Append(object? value)
    {
        var a = new object?[items.Length + 1];
        Array.Copy(items, a, items.Length);
        a[^1] = value;
        return new SeqState(a);
    }

    public SeqState RemoveFront() => items.Length == 1 ? Empty : new SeqState(items[1..]);

    public bool Equals(SeqState? other)
    {
        if (other is null || other.hash != hash || other.items.Length != items.Length)
        {
            return false;
        }

        for (var i = 0; i < items.Length; i++)
        {
            if (!Values.AreEqual(items[i], other.items[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as SeqState);

    public override int GetHashCode() => hash;

    public override string ToString() => IsEmpty ? "empty" : Values.Format(items) + " (front first)";
}

/// <summary>An immutable dictionary with structural equality and an incrementally maintained hash.</summary>
public sealed class MapState : IEquatable<MapState>
{
    public static readonly MapState Empty = new(ImmutableDictionary.Create<object, object?>(Values.Comparer!, Values.Comparer), 0);

    private readonly ImmutableDictionary<object, object?> map;
    private readonly int hash;

    private MapState(ImmutableDictionary<object, object?> map, int hash)
    {
        this.map = map;
        this.hash = hash;
    }

    public int Count => map.Count;

    public bool TryGet(object key, out object? value) => map.TryGetValue(key, out value);

    public bool ContainsKey(object key) => map.ContainsKey(key);

    public MapState Set(object key, object? value)
    {
        var h = hash;
        if (map.TryGetValue(key, out var old))
        {
            h ^= EntryHash(key, old);
        }

        return new MapState(map.SetItem(key, value), h ^ EntryHash(key, value));
    }

    public MapState Remove(object key) =>
        map.TryGetValue(key, out var old) ? new MapState(map.Remove(key), hash ^ EntryHash(key, old)) : this;

    public IEnumerable<KeyValuePair<object, object?>> Entries => map;

    private static int EntryHash(object key, object? value) => HashCode.Combine(Values.Hash(key), Values.Hash(value)) * 31 + 7;

    public bool Equals(MapState? other)
    {
        if (other is null || other.hash != hash || other.Count != Count)
        {
            return false;
        }

        foreach (var (k, v) in map)
        {
            if (!other.map.TryGetValue(k, out var ov) || !Values.AreEqual(v, ov))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as MapState);

    public override int GetHashCode() => hash;

    public override string ToString() => Count == 0 ? "empty" :
        "{" + string.Join(", ", map.Select(kv => Values.Format(kv.Key) + ": " + Values.Format(kv.Value)).Order(StringComparer.Ordinal)) + "}";
}

/// <summary>An immutable set with structural equality and an incrementally maintained hash.</summary>
public sealed class SetState : IEquatable<SetState>
{
    public static readonly SetState Empty = new(ImmutableHashSet.Create<object>(Values.Comparer!), 0);

    private readonly ImmutableHashSet<object> set;
    private readonly int hash;

    private SetState(ImmutableHashSet<object> set, int hash)
    {
        this.set = set;
        this.hash = hash;
    }

    public int Count => set.Count;

    public bool Contains(object item) => set.Contains(item);

    public SetState Add(object item) => set.Contains(item) ? this : new SetState(set.Add(item), hash ^ ItemHash(item));

    public SetState Remove(object item) => set.Contains(item) ? new SetState(set.Remove(item), hash ^ ItemHash(item)) : this;

    private static int ItemHash(object item) => Values.Hash(item) * 0x2F0B3 + 11;

    public bool Equals(SetState? other) =>
        other is not null && other.hash == hash && other.Count == Count && set.All(other.set.Contains);

    public override bool Equals(object? obj) => Equals(obj as SetState);

    public override int GetHashCode() => hash;

    public override string ToString() => Count == 0 ? "empty" :
        "{" + string.Join(", ", set.Select(Values.Format).Order(StringComparer.Ordinal)) + "}";
}
