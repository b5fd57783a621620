using System;
using System.Collections.Generic;
using System.Threading;

// Mistake: TryEnqueue reads the closing flag before taking the lock ("a quick check first").
// A Shutdown that lands between the check and the lock lets the job in after the workers have
// already found the queue empty and left: TryEnqueue says true, and the job never runs.
public sealed class WorkerPool : IDisposable
{
    private readonly object _gate = new object();
    private readonly Queue<Action> _queue = new Queue<Action>();
    private readonly Thread[] _workers;
    private volatile bool _closing;

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
        if (_closing) return false;
        lock (_gate)
        {
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
        foreach (var worker in _workers) worker.Join();
    }

    public void Dispose() => Shutdown();
}
