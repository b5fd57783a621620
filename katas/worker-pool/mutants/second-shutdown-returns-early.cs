// Kata: worker-pool
// Bug: Shutdown returns at once when another Shutdown has already begun ("already closing:
//      nothing more to do"), so a second, concurrent Shutdown/Dispose returns while accepted jobs
//      are still queued or running and the workers are still alive.
// Interleaving: T1 enqueues jobs A, B (accepted). T2: Shutdown() sets _closing, PulseAll, starts
//      joining. T3: Dispose() -> Shutdown() sees _closing == true and returns immediately, while
//      A/B have not run yet ("Shutdown returns only when the work is done" broken for T3).
using System;
using System.Collections.Generic;
using System.Threading;

public sealed class WorkerPool : IDisposable
{
    private readonly object _gate = new object();
    private readonly Queue<Action> _queue = new Queue<Action>();
    private readonly Thread[] _workers;
    private bool _closing;

    public WorkerPool(int workers)
    {
        _workers = new Thread[workers];
        for (int i = 0; i < workers; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = "pool worker " + i };
            _workers[i].Start();
        }
    }

    private void Work()
    {
        while (true)
        {
            Action job;
            lock (_gate)
            {
                while (_queue.Count == 0 && !_closing) Monitor.Wait(_gate);
                if (_queue.Count == 0) return;
                job = _queue.Dequeue();
            }
            job();
        }
    }

    public bool TryEnqueue(Action work)
    {
        lock (_gate)
        {
            if (_closing) return false;
            _queue.Enqueue(work);
            Monitor.Pulse(_gate);
            return true;
        }
    }

    public void Shutdown()
    {
        lock (_gate)
        {
            if (_closing) return; // somebody already shut us down: nothing more to do
            _closing = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var worker in _workers) worker.Join();
    }

    public void Dispose() => Shutdown();
}
