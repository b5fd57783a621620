using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>Interlocked under control: a scheduling point, then the real (atomic) operation.</summary>
[Intercepts(typeof(Interlocked))]
public static class ControlledInterlocked
{
    public static int Increment(ref int location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Increment");
        }
        return Interlocked.Increment(ref location);
    }

    public static int Decrement(ref int location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Decrement");
        }
        return Interlocked.Decrement(ref location);
    }

    public static int Add(ref int location1, int value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Add");
        }
        return Interlocked.Add(ref location1, value);
    }

    public static int And(ref int location1, int value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.And");
        }
        return Interlocked.And(ref location1, value);
    }

    public static int Or(ref int location1, int value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Or");
        }
        return Interlocked.Or(ref location1, value);
    }

    public static long Increment(ref long location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Increment");
        }
        return Interlocked.Increment(ref location);
    }

    public static long Decrement(ref long location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Decrement");
        }
        return Interlocked.Decrement(ref location);
    }

    public static long Add(ref long location1, long value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Add");
        }
        return Interlocked.Add(ref location1, value);
    }

    public static long And(ref long location1, long value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.And");
        }
        return Interlocked.And(ref location1, value);
    }

    public static long Or(ref long location1, long value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Or");
        }
        return Interlocked.Or(ref location1, value);
    }

    public static uint Increment(ref uint location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Increment");
        }
        return Interlocked.Increment(ref location);
    }

    public static uint Decrement(ref uint location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Decrement");
        }
        return Interlocked.Decrement(ref location);
    }

    public static uint Add(ref uint location1, uint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Add");
        }
        return Interlocked.Add(ref location1, value);
    }

    public static uint And(ref uint location1, uint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.And");
        }
        return Interlocked.And(ref location1, value);
    }

    public static uint Or(ref uint location1, uint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Or");
        }
        return Interlocked.Or(ref location1, value);
    }

    public static ulong Increment(ref ulong location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Increment");
        }
        return Interlocked.Increment(ref location);
    }

    public static ulong Decrement(ref ulong location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Decrement");
        }
        return Interlocked.Decrement(ref location);
    }

    public static ulong Add(ref ulong location1, ulong value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Add");
        }
        return Interlocked.Add(ref location1, value);
    }

    public static ulong And(ref ulong location1, ulong value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.And");
        }
        return Interlocked.And(ref location1, value);
    }

    public static ulong Or(ref ulong location1, ulong value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Or");
        }
        return Interlocked.Or(ref location1, value);
    }

    public static int Exchange(ref int location1, int value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static int CompareExchange(ref int location1, int value, int comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static long Exchange(ref long location1, long value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static long CompareExchange(ref long location1, long value, long comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static uint Exchange(ref uint location1, uint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static uint CompareExchange(ref uint location1, uint value, uint comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static ulong Exchange(ref ulong location1, ulong value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static ulong CompareExchange(ref ulong location1, ulong value, ulong comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static byte Exchange(ref byte location1, byte value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static byte CompareExchange(ref byte location1, byte value, byte comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static sbyte Exchange(ref sbyte location1, sbyte value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static sbyte CompareExchange(ref sbyte location1, sbyte value, sbyte comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static short Exchange(ref short location1, short value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static short CompareExchange(ref short location1, short value, short comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static ushort Exchange(ref ushort location1, ushort value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static ushort CompareExchange(ref ushort location1, ushort value, ushort comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static float Exchange(ref float location1, float value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static float CompareExchange(ref float location1, float value, float comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static double Exchange(ref double location1, double value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static double CompareExchange(ref double location1, double value, double comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static nint Exchange(ref nint location1, nint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static nint CompareExchange(ref nint location1, nint value, nint comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static nuint Exchange(ref nuint location1, nuint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static nuint CompareExchange(ref nuint location1, nuint value, nuint comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static object? Exchange([System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))] ref object? location1, object? value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static object? CompareExchange(ref object? location1, object? value, object? comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static T Exchange<T>(ref T location1, T value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Exchange");
        }
        return Interlocked.Exchange(ref location1, value);
    }

    public static T CompareExchange<T>(ref T location1, T value, T comparand)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.CompareExchange");
        }
        return Interlocked.CompareExchange(ref location1, value, comparand);
    }

    public static long Read(ref readonly long location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Read");
        }
        return Interlocked.Read(in location);
    }

    public static ulong Read(ref readonly ulong location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.Read");
        }
        return Interlocked.Read(in location);
    }

    public static void MemoryBarrier()
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Interlocked.MemoryBarrier");
        }
        Interlocked.MemoryBarrier();
    }
}
