using System.Runtime.CompilerServices;
using System.Threading.Channels;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Channel writers under control: each call is a scheduling point, then the real channel (whose async waits
/// complete through the controlled SynchronizationContext).
/// </summary>
[Intercepts(typeof(ChannelWriter<>))]
public static class ControlledChannelWriter<T>
{
    private static void Point(string verb)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, verb);
    }

    public static bool TryWrite(ChannelWriter<T> self, T item)
    {
        Point("ChannelWriter.TryWrite");
        return TryResult.Show(self.TryWrite(item));
    }

    public static ValueTask WriteAsync(ChannelWriter<T> self, T item, CancellationToken cancellationToken)
    {
        Point("ChannelWriter.WriteAsync");
        return self.WriteAsync(item, cancellationToken);
    }

    public static ValueTask<bool> WaitToWriteAsync(ChannelWriter<T> self, CancellationToken cancellationToken)
    {
        Point("ChannelWriter.WaitToWriteAsync");
        return self.WaitToWriteAsync(cancellationToken);
    }

    public static bool TryComplete(ChannelWriter<T> self, Exception? error)
    {
        Point("ChannelWriter.TryComplete");
        return TryResult.Show(self.TryComplete(error));
    }

    public static void Complete(ChannelWriter<T> self, Exception? error)
    {
        Point("ChannelWriter.Complete");
        self.Complete(error);
    }
}

/// <summary>
/// Channel readers under control. ReadAllAsync is re-implemented here because the framework's awaits with
/// ConfigureAwait(false), which would continue on the thread pool.
/// </summary>
[Intercepts(typeof(ChannelReader<>))]
public static class ControlledChannelReader<T>
{
    private static void Point(string verb)
    {
        var op = ControlledOperation.Current;
        op?.Runtime.SchedulePoint(op, verb);
    }

    public static bool TryRead(ChannelReader<T> self, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T item)
    {
        Point("ChannelReader.TryRead");
        return TryResult.Show(self.TryRead(out item));
    }

    public static ValueTask<T> ReadAsync(ChannelReader<T> self, CancellationToken cancellationToken)
    {
        Point("ChannelReader.ReadAsync");
        return self.ReadAsync(cancellationToken);
    }

    public static ValueTask<bool> WaitToReadAsync(ChannelReader<T> self, CancellationToken cancellationToken)
    {
        Point("ChannelReader.WaitToReadAsync");
        return self.WaitToReadAsync(cancellationToken);
    }

    public static IAsyncEnumerable<T> ReadAllAsync(ChannelReader<T> self, CancellationToken cancellationToken)
    {
        if (ControlledOperation.Current is null)
        {
            return self.ReadAllAsync(cancellationToken);
        }

        ArgumentNullException.ThrowIfNull(self);
        return ReadAll(self, cancellationToken);
    }

    private static async IAsyncEnumerable<T> ReadAll(ChannelReader<T> self, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await WaitToReadAsync(self, cancellationToken))
        {
            while (TryRead(self, out var item))
            {
                yield return item;
            }
        }
    }
}
