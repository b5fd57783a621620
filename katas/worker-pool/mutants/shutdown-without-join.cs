using System;
using System.Collections.Generic;
using System.Threading;

// Mistake: Shutdown closes the pool and wakes the workers, then returns at once. The workers
// finish the queue in the background, but the caller was told the work is done while accepted
// jobs are still waiting or running.
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
            _workers[i] = new Thread(Work) { IsBackground = true, Name = "worker " + i };
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
                if (_queue.Count == 0) return; // closing, and nothing left to do
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
            _closing = true;
            Monitor.PulseAll(_gate);
        }
        // the workers will finish the queue on their own
    }

    public void Dispose() => Shutdown();
}
