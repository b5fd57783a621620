using System;
using System.Threading;
using System.Threading.Channels;

// The rail is an unbounded channel; workers are dedicated threads that block on WaitToReadAsync.
// Completing the writer closes the door atomically with respect to TryWrite, and the readers
// drain what is left before WaitToReadAsync answers false.
public sealed class WorkerPool : IDisposable
{
    private readonly Channel<Action> _rail = Channel.CreateUnbounded<Action>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Thread[] _workers;

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
        ChannelReader<Action> reader = _rail.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out Action? job)) job();
        }
    }

    public bool TryEnqueue(Action work) => _rail.Writer.TryWrite(work);

    public void Shutdown()
    {
        _rail.Writer.TryComplete();
        foreach (var worker in _workers) worker.Join();
    }

    public void Dispose() => Shutdown();
}
