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

/// <summary>
/// An immutable sequence (queue contents, front first) with structural equality. Append and
/// RemoveFront are O(1) (amortized): states share one buffer and append in place while no other
/// state has appended past them; the hash is a polynomial hash kept up to date incrementally.
/// </summary>
public sealed class SeqState : IEquatable<SeqState>
{
    private const ulong Base = 0x9E3779B97F4A7C15UL; // odd, so invertible modulo 2^64
    private static readonly ulong BaseInverse = Inverse(Base);

    public static readonly SeqState Empty = new(new Buffer(new object?[8]), 0, 0, 0, 1);

    private readonly Buffer buffer;
    private readonly int start;
    private readonly ulong hash; // sum of H(item i) * Base^i
    private readonly ulong power; // Base^Count

    private SeqState(Buffer buffer, int start, int count, ulong hash, ulong power)
    {
        this.buffer = buffer;
        this.start = start;
        Count = count;
        this.hash = hash;
        this.power = power;
    }

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    public object? Front => IsEmpty ? throw new InvalidOperationException("empty") : buffer.Items[start];

    public IReadOnlyList<object?> Items => new ArraySegment<object?>(buffer.Items, start, Count);

    public SeqState Append(object? value)
    {
        var end = start + Count;
        var newHash = hash + ItemHash(value) * power;
        if (buffer.Used == end && end < buffer.Items.Length)
        {
            buffer.Items[end] = value;
            buffer.Used = end + 1;
            return new SeqState(buffer, start, Count + 1, newHash, power * Base);
        }

        var items = new object?[Math.Max(8, Count * 2)];
        Array.Copy(buffer.Items, start, items, 0, Count);
        items[Count] = value;
        return new SeqState(new Buffer(items) { Used = Count + 1 }, 0, Count + 1, newHash, power * Base);
    }

    public SeqState RemoveFront()
    {
        if (IsEmpty)
        {
            throw new InvalidOperationException("empty");
        }

        return Count == 1 ? Empty : new SeqState(buffer, start + 1, Count - 1, (hash - ItemHash(buffer.Items[start])) * BaseInverse, power * BaseInverse);
    }

    public bool Equals(SeqState? other)
    {
        if (other is null || other.hash != hash || other.Count != Count)
        {
            return false;
        }

        if (ReferenceEquals(other.buffer, buffer) && other.start == start)
        {
            return true;
        }

        for (var i = 0; i < Count; i++)
        {
            if (!Values.AreEqual(buffer.Items[start + i], other.buffer.Items[other.start + i]))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as SeqState);

    public override int GetHashCode() => (int)(hash ^ (hash >> 32));

    public override string ToString() => IsEmpty ? "empty" : Values.Format(Items) + " (front first)";

    private static ulong ItemHash(object? value)
    {
        var z = (ulong)(uint)Values.Hash(value) + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Inverse(ulong a)
    {
        var x = a; // Newton: each step doubles the correct low bits
        for (var i = 0; i < 6; i++)
        {
            x *= 2 - a * x;
        }

        return x;
    }

    private sealed class Buffer(object?[] items)
    {
        public readonly object?[] Items = items;
        public int Used;
    }
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
