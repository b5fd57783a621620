// Mistake: one cell per thread (fast, no contention), registered in a shared List on the thread's
// first Increment, without a lock. Two first increments at once both add to the List: on real
// threads one registration can overwrite the other, and that thread's hits vanish from Total.
using System.Collections.Generic;
using System.Threading;

public sealed class HitCounter
{
    private sealed class Cell { public long Value; }

    private readonly List<Cell> _cells = new List<Cell>();
    private readonly ThreadLocal<Cell> _mine;

    public HitCounter()
    {
        _mine = new ThreadLocal<Cell>(() =>
        {
            var c = new Cell();
            _cells.Add(c); // registration: "happens once per thread, contention is rare"
            return c;
        });
    }

    public void Increment()
    {
        var c = _mine.Value!;
        Volatile.Write(ref c.Value, c.Value + 1); // only the owner thread writes its cell
    }

    public long Total
    {
        get
        {
            long sum = 0;
            var snapshot = _cells.ToArray();
            foreach (var c in snapshot) sum += Volatile.Read(ref c.Value);
            return sum;
        }
    }
}
