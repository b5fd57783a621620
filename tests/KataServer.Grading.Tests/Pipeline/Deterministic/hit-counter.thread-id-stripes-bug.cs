using System;
using System.Threading;

// Striped counting: each thread bumps the stripe its thread id picks, with a plain ++. Two threads
// whose ids land on the same stripe can lose a hit. Which threads share a stripe depends on their
// ids, which the runtime hands out differently in every process.
public sealed class HitCounter
{
    private const int Stripes = 2;
    private readonly long[] _cells = new long[Stripes];

    public void Increment() => _cells[Environment.CurrentManagedThreadId % Stripes]++;

    public long Total
    {
        get
        {
            long sum = 0;
            for (int i = 0; i < Stripes; i++) sum += Interlocked.Read(ref _cells[i]);
            return sum;
        }
    }
}
