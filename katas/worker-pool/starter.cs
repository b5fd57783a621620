using System;
using System.Collections.Generic;
using System.Threading;

// A worker pool with a queue and some worker threads... and nothing keeping them in step.
// The queue is shared without a lock, idle workers spin, and Shutdown just raises a flag.
// Make it correct: a lock, Monitor.Wait / Pulse, and a graceful Shutdown.
public sealed class WorkerPool : IDisposable
{
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
        while (!_closing)
        {
            if (_queue.Count > 0)
            {
                var job = _queue.Dequeue();
                job();
            }
            else
            {
                Thread.Yield();
            }
        }
    }

    public bool TryEnqueue(Action work)
    {
        if (_closing) return false;
        _queue.Enqueue(work);
        return true;
    }

    public void Shutdown()
    {
        _closing = true;
    }

    public void Dispose() => Shutdown();
}
