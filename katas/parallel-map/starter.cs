using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

// A first try: one item after the other. Results are in order and nothing ever runs in
// parallel... which is the point of the exercise. A failure does stop the loop, but the
// caller's cancellation is not passed on to the bodies.
public static class ParallelMap
{
    public static async Task<TOut[]> MapAsync<TIn, TOut>(
        IReadOnlyList<TIn> items, int maxParallelism,
        Func<TIn, CancellationToken, Task<TOut>> body, CancellationToken cancellationToken = default)
    {
        var results = new TOut[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            results[i] = await body(items[i], CancellationToken.None);
        }
        return results;
    }
}
