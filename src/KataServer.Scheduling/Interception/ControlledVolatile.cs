using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>Volatile under control: a scheduling point, then the real access.</summary>
[Intercepts(typeof(Volatile))]
public static class ControlledVolatile
{
    public static bool Read(ref readonly bool location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref bool location, bool value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static byte Read(ref readonly byte location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref byte location, byte value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static sbyte Read(ref readonly sbyte location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref sbyte location, sbyte value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static short Read(ref readonly short location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref short location, short value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static ushort Read(ref readonly ushort location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref ushort location, ushort value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static int Read(ref readonly int location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref int location, int value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static uint Read(ref readonly uint location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref uint location, uint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static long Read(ref readonly long location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref long location, long value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static ulong Read(ref readonly ulong location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref ulong location, ulong value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static nint Read(ref readonly nint location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref nint location, nint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static nuint Read(ref readonly nuint location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref nuint location, nuint value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static float Read(ref readonly float location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref float location, float value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static double Read(ref readonly double location)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write(ref double location, double value)
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }

    public static T Read<T>(ref readonly T location)
        where T : class?
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Read");
        }
        return Volatile.Read(in location);
    }

    public static void Write<T>([System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))] ref T location, T value)
        where T : class?
    {
        var op = ControlledOperation.Current;
        if (op is not null)
        {
            op.Runtime.SchedulePoint(op, "Volatile.Write");
        }
        Volatile.Write(ref location, value);
    }
}
