using System.Buffers.Binary;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Unseeded randomness under control comes from the schedule's seed (which the replay token carries): the k-th
/// <c>new Random()</c> of a run and <c>Random.Shared</c> get the same seeds when the schedule is replayed, so a
/// random back-off or a randomly picked stripe cannot make a finding unreproducible. Different schedules get
/// different seeds, so exploration still sees different values. A seeded <c>new Random(n)</c> is left alone.
/// </summary>
[Intercepts(typeof(Random))]
public static class ControlledRandom
{
    public static Random New()
    {
        var op = ControlledOperation.Current;
        return op is null ? new Random() : new Random(op.Runtime.NextRandomSeed());
    }

    /// <summary>One instance per run; only one operation runs at a time, so it needs no locking of its own.</summary>
    public static Random get_Shared()
    {
        var op = ControlledOperation.Current;
        return op is null ? Random.Shared : op.Runtime.SharedRandom;
    }
}

/// <summary><c>Guid.NewGuid()</c> under control: a version-4 GUID drawn from the schedule's seed, for the same reason.</summary>
[Intercepts(typeof(Guid))]
public static class ControlledGuid
{
    public static Guid NewGuid()
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Guid.NewGuid();
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, op.Runtime.NextRandomBits());
        BinaryPrimitives.WriteUInt64LittleEndian(bytes[8..], op.Runtime.NextRandomBits());
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4 (Guid's little-endian layout)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
