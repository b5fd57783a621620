using System;
using System.Collections.Concurrent;
using System.Threading;

// Correct alternative: a ConcurrentQueue of jobs and a SemaphoreSlim that counts "things to take".
// TryEnqueue (under a small lock that also guards the closing flag) adds a job, then one token.
// Shutdown closes the pool once and adds one extra token per worker: a worker that takes a token
// and finds the queue empty knows the pool is closed and everything is done, and leaves.
// Every Shutdown/Dispose call, first or not, joins every worker before returning.
public sealed class WorkerPool : IDisposable
{
    private readonly object _gate = new object();
    private readonly ConcurrentQueue<Action> _jobs = new ConcurrentQueue<Action>();
    private readonly SemaphoreSlim _tokens = new SemaphoreSlim(0);
    private readonly Thread[] _workers;
    private bool _closed;

    public WorkerPool(int workers)
    {
        _workers = new Thread[workers];
        for (int i = 0; i < workers; i++)
        {
            _workers[i] = new Thread(Loop) { IsBackground = true };
            _workers[i].Start();
        }
    }

    private void Loop()
    {
        while (true)
        {
            _tokens.Wait();
            if (!_jobs.TryDequeue(out var job)) return;
            job();
        }
    }

    public bool TryEnqueue(Action work)
    {
        lock (_gate)
        {
            if (_closed) return false;
            _jobs.Enqueue(work);
            _tokens.Release();
            return true;
        }
    }

    public void Shutdown()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _closed = true;
                _tokens.Release(_workers.Length);
            }
        }
        foreach (var w in _workers) w.Join();
    }

    public void Dispose() => Shutdown();
}
