using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellationToken };
        var indices = new int[items.Count];
        for (int i = 0; i < indices.Length; i++) indices[i] = i;
        await Parallel.ForEachAsync(indices, options, async (i, ct) =>
        {
            results[i] = await body(items[i], ct);
        });
        return results;
    }
}
