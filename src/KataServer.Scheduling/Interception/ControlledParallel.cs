using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Parallel.Invoke/For/ForEach under control: the work is spread over up to three controlled operations that
/// claim iterations dynamically (like the real partitioner); the caller blocks until all are done and gets an
/// AggregateException with every failure. ParallelLoopState overloads are not modelled.
/// </summary>
[Intercepts(typeof(Parallel))]
public static class ControlledParallel
{
    private const int Workers = 3;

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_completed")]
    private static extern ref bool Completed(ref ParallelLoopResult result);

    private static ParallelLoopResult CompletedResult()
    {
        var r = default(ParallelLoopResult);
        Completed(ref r) = true;
        return r;
    }

    private static void RunWorkers(ControlledOperation op, string verb, int count, Action<int> body)
    {
        var rt = op.Runtime;
        rt.SchedulePoint(op, verb);
        if (count <= 0)
        {
            return;
        }

        int next = 0;
        var errors = new List<Exception>();
        var tasks = new List<Task>();
        for (int w = 0; w < Math.Min(Workers, count); w++)
        {
            tasks.Add(Task.Factory.StartNew(() =>
            {
                while (errors.Count == 0)
                {
                    int i = next++;
                    if (i >= count)
                    {
                        return;
                    }

                    try
                    {
                        body(i);
                    }
                    catch (Exception e) when (e is not ExecutionCanceledException)
                    {
                        errors.Add(e);
                    }
                }
            }, CancellationToken.None, TaskCreationOptions.DenyChildAttach, rt.TaskScheduler));
        }

        rt.BlockUntil(op, () => tasks.TrueForAll(t => t.IsCompleted), "task", tasks[0]);
        if (errors.Count > 0)
        {
            throw new AggregateException(errors);
        }
    }

    public static void Invoke(params Action[] actions)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Parallel.Invoke(actions);
            return;
        }

        ArgumentNullException.ThrowIfNull(actions);
        var copy = actions.ToArray();
        RunWorkers(op, "Parallel.Invoke", copy.Length, i => copy[i]());
    }

    public static void Invoke(ParallelOptions parallelOptions, params Action[] actions)
    {
        if (ControlledOperation.Current is null)
        {
            Parallel.Invoke(parallelOptions, actions);
            return;
        }

        Invoke(actions);
    }

    public static ParallelLoopResult For(int fromInclusive, int toExclusive, Action<int> body)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Parallel.For(fromInclusive, toExclusive, body);
        }

        ArgumentNullException.ThrowIfNull(body);
        RunWorkers(op, "Parallel.For", toExclusive - fromInclusive, i => body(fromInclusive + i));
        return CompletedResult();
    }

    public static ParallelLoopResult For(int fromInclusive, int toExclusive, ParallelOptions parallelOptions, Action<int> body) =>
        ControlledOperation.Current is null ? Parallel.For(fromInclusive, toExclusive, parallelOptions, body) : For(fromInclusive, toExclusive, body);

    public static ParallelLoopResult For(long fromInclusive, long toExclusive, Action<long> body)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Parallel.For(fromInclusive, toExclusive, body);
        }

        ArgumentNullException.ThrowIfNull(body);
        RunWorkers(op, "Parallel.For", checked((int)(toExclusive - fromInclusive)), i => body(fromInclusive + i));
        return CompletedResult();
    }

    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, Action<TSource> body)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Parallel.ForEach(source, body);
        }

        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(body);
        var items = source.ToList();
        RunWorkers(op, "Parallel.ForEach", items.Count, i => body(items[i]));
        return CompletedResult();
    }

    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, ParallelOptions parallelOptions, Action<TSource> body) =>
        ControlledOperation.Current is null ? Parallel.ForEach(source, parallelOptions, body) : ForEach(source, body);
}
