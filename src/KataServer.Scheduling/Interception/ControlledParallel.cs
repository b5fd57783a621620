using System.Numerics;
using System.Runtime.CompilerServices;
using KataServer.Scheduling.Runtime;

namespace KataServer.Scheduling.Interception;

/// <summary>
/// Parallel.Invoke/For/ForEach under control: the work is spread over up to three controlled operations (fewer if
/// ParallelOptions.MaxDegreeOfParallelism says so) that claim iterations dynamically (like the real partitioner);
/// the caller blocks until all are done and gets an AggregateException with every failure. ForEachAsync and
/// ForAsync run MaxDegreeOfParallelism controlled workers (3 by default) over the items, with the real one's
/// cancellation and failure rules (also over an IAsyncEnumerable). ParallelLoopState overloads are not modelled.
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

    private static int WorkersFor(ParallelOptions? options) =>
        options is { MaxDegreeOfParallelism: > 0 } ? Math.Min(Workers, options.MaxDegreeOfParallelism) : Workers;

    private static void RunWorkers(ControlledOperation op, string verb, int count, Action<int> body, ParallelOptions? options = null)
    {
        var rt = op.Runtime;
        rt.SchedulePoint(op, verb);
        var token = options?.CancellationToken ?? CancellationToken.None;
        token.ThrowIfCancellationRequested();
        if (count <= 0)
        {
            return;
        }

        int next = 0;
        var errors = new List<Exception>();
        var tasks = new List<Task>();
        for (int w = 0; w < Math.Min(WorkersFor(options), count); w++)
        {
            tasks.Add(Task.Factory.StartNew(() =>
            {
                while (errors.Count == 0 && !token.IsCancellationRequested)
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

        token.ThrowIfCancellationRequested();
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
        var op = ControlledOperation.Current;
        if (op is null)
        {
            Parallel.Invoke(parallelOptions, actions);
            return;
        }

        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(actions);
        var copy = actions.ToArray();
        RunWorkers(op, "Parallel.Invoke", copy.Length, i => copy[i](), parallelOptions);
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

    public static ParallelLoopResult For(int fromInclusive, int toExclusive, ParallelOptions parallelOptions, Action<int> body)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Parallel.For(fromInclusive, toExclusive, parallelOptions, body);
        }

        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        RunWorkers(op, "Parallel.For", toExclusive - fromInclusive, i => body(fromInclusive + i), parallelOptions);
        return CompletedResult();
    }

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

    public static ParallelLoopResult ForEach<TSource>(IEnumerable<TSource> source, ParallelOptions parallelOptions, Action<TSource> body)
    {
        var op = ControlledOperation.Current;
        if (op is null)
        {
            return Parallel.ForEach(source, parallelOptions, body);
        }

        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parallelOptions);
        ArgumentNullException.ThrowIfNull(body);
        var items = source.ToList();
        RunWorkers(op, "Parallel.ForEach", items.Count, i => body(items[i]), parallelOptions);
        return CompletedResult();
    }

    public static Task ForEachAsync<TSource>(IEnumerable<TSource> source, Func<TSource, CancellationToken, ValueTask> body) =>
        ControlledOperation.Current is null ? Parallel.ForEachAsync(source, body) : ForEachAsyncCore(source, null, CancellationToken.None, body, "Parallel.ForEachAsync");

    public static Task ForEachAsync<TSource>(IEnumerable<TSource> source, CancellationToken cancellationToken, Func<TSource, CancellationToken, ValueTask> body) =>
        ControlledOperation.Current is null ? Parallel.ForEachAsync(source, cancellationToken, body) : ForEachAsyncCore(source, null, cancellationToken, body, "Parallel.ForEachAsync");

    public static Task ForEachAsync<TSource>(IEnumerable<TSource> source, ParallelOptions parallelOptions, Func<TSource, CancellationToken, ValueTask> body)
    {
        if (ControlledOperation.Current is null)
        {
            return Parallel.ForEachAsync(source, parallelOptions, body);
        }

        ArgumentNullException.ThrowIfNull(parallelOptions);
        return ForEachAsyncCore(source, parallelOptions.MaxDegreeOfParallelism, parallelOptions.CancellationToken, body, "Parallel.ForEachAsync");
    }

    public static Task ForEachAsync<TSource>(IAsyncEnumerable<TSource> source, Func<TSource, CancellationToken, ValueTask> body) =>
        ControlledOperation.Current is null ? Parallel.ForEachAsync(source, body) : ForEachAsyncCore(source, null, CancellationToken.None, body);

    public static Task ForEachAsync<TSource>(IAsyncEnumerable<TSource> source, CancellationToken cancellationToken, Func<TSource, CancellationToken, ValueTask> body) =>
        ControlledOperation.Current is null ? Parallel.ForEachAsync(source, cancellationToken, body) : ForEachAsyncCore(source, null, cancellationToken, body);

    public static Task ForEachAsync<TSource>(IAsyncEnumerable<TSource> source, ParallelOptions parallelOptions, Func<TSource, CancellationToken, ValueTask> body)
    {
        if (ControlledOperation.Current is null)
        {
            return Parallel.ForEachAsync(source, parallelOptions, body);
        }

        ArgumentNullException.ThrowIfNull(parallelOptions);
        return ForEachAsyncCore(source, parallelOptions.MaxDegreeOfParallelism, parallelOptions.CancellationToken, body);
    }

    public static Task ForAsync<T>(T fromInclusive, T toExclusive, Func<T, CancellationToken, ValueTask> body)
        where T : notnull, IBinaryInteger<T> =>
        ControlledOperation.Current is null ? Parallel.ForAsync(fromInclusive, toExclusive, body)
            : ForEachAsyncCore(Range(fromInclusive, toExclusive), null, CancellationToken.None, body, "Parallel.ForAsync");

    public static Task ForAsync<T>(T fromInclusive, T toExclusive, CancellationToken cancellationToken, Func<T, CancellationToken, ValueTask> body)
        where T : notnull, IBinaryInteger<T> =>
        ControlledOperation.Current is null ? Parallel.ForAsync(fromInclusive, toExclusive, cancellationToken, body)
            : ForEachAsyncCore(Range(fromInclusive, toExclusive), null, cancellationToken, body, "Parallel.ForAsync");

    public static Task ForAsync<T>(T fromInclusive, T toExclusive, ParallelOptions parallelOptions, Func<T, CancellationToken, ValueTask> body)
        where T : notnull, IBinaryInteger<T>
    {
        if (ControlledOperation.Current is null)
        {
            return Parallel.ForAsync(fromInclusive, toExclusive, parallelOptions, body);
        }

        ArgumentNullException.ThrowIfNull(parallelOptions);
        return ForEachAsyncCore(Range(fromInclusive, toExclusive), parallelOptions.MaxDegreeOfParallelism, parallelOptions.CancellationToken, body, "Parallel.ForAsync");
    }

    private static IEnumerable<T> Range<T>(T fromInclusive, T toExclusive)
        where T : IBinaryInteger<T>
    {
        for (T i = fromInclusive; i < toExclusive; i++)
        {
            yield return i;
        }
    }

    /// <summary>
    /// The real ForEachAsync's rules, on controlled workers: each worker takes the next item until the items run
    /// out or the loop's token is cancelled; a failing body records its exception and cancels the loop's token
    /// (which the caller's token also cancels); the task is cancelled when the caller's token was, and otherwise
    /// fails with every recorded exception, in order (so <c>await</c> throws the first).
    /// </summary>
    private static Task ForEachAsyncCore<TSource>(IEnumerable<TSource> source, int? maxDegreeOfParallelism, CancellationToken cancellationToken,
        Func<TSource, CancellationToken, ValueTask> body, string verb)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ForEachAsyncCore<TSource>(_ =>
        {
            var items = source.GetEnumerator();
            return new Items<TSource>(
                () => new ValueTask<(bool, TSource)>(items.MoveNext() ? (true, items.Current) : (false, default!)),
                () =>
                {
                    items.Dispose();
                    return ValueTask.CompletedTask;
                });
        }, maxDegreeOfParallelism, cancellationToken, body, verb);
    }

    /// <summary>
    /// Over an async sequence, as the real one: the workers take turns at <c>MoveNextAsync</c> (never two at once, an
    /// async enumerator forbids it), through a controlled semaphore; the enumerator gets the loop's token.
    /// </summary>
    private static Task ForEachAsyncCore<TSource>(IAsyncEnumerable<TSource> source, int? maxDegreeOfParallelism, CancellationToken cancellationToken,
        Func<TSource, CancellationToken, ValueTask> body)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ForEachAsyncCore<TSource>(token =>
        {
            var items = source.GetAsyncEnumerator(token);
            var turn = ControlledSemaphoreSlim.New(1, 1);
            async ValueTask<(bool, TSource)> Next()
            {
                await ControlledSemaphoreSlim.WaitAsync(turn);
                try
                {
                    return await items.MoveNextAsync() ? (true, items.Current) : (false, default!);
                }
                finally
                {
                    ControlledSemaphoreSlim.Release(turn);
                }
            }

            return new Items<TSource>(Next, items.DisposeAsync);
        }, maxDegreeOfParallelism, cancellationToken, body, "Parallel.ForEachAsync");
    }

    private sealed record Items<T>(Func<ValueTask<(bool Has, T Item)>> Next, Func<ValueTask> Dispose);

    private static Task ForEachAsyncCore<TSource>(Func<CancellationToken, Items<TSource>> open, int? maxDegreeOfParallelism, CancellationToken cancellationToken,
        Func<TSource, CancellationToken, ValueTask> body, string verb)
    {
        ArgumentNullException.ThrowIfNull(body);
        var op = ControlledOperation.Current!;
        op.Runtime.SchedulePoint(op, verb);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        var loop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var items = open(loop.Token);
        var errors = new List<Exception>();
        var done = new TaskCompletionSource();

        async Task Worker()
        {
            while (!loop.IsCancellationRequested)
            {
                try
                {
                    var (has, item) = await items.Next();
                    if (!has)
                    {
                        break;
                    }

                    await body(item, loop.Token);
                }
                catch (Exception e) when (e is not ExecutionCanceledException)
                {
                    errors.Add(e);
                    ControlledCancellationTokenSource.Cancel(loop);
                }
            }
        }

        async Task Drive()
        {
            int workers = maxDegreeOfParallelism is > 0 ? maxDegreeOfParallelism.Value : Workers;
            var running = new List<Task>();
            for (int w = 0; w < workers; w++)
            {
                running.Add(ControlledTask.Run(Worker));
            }

            await ControlledTask.WhenAll(running);
            await items.Dispose();
            loop.Dispose();
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
            }
            else if (errors.Count == 0)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(errors);
            }
        }

        _ = Drive();
        return done.Task;
    }
}
