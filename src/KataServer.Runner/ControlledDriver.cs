using KataServer.Scheduling.Interception;
using KataServer.Testing;

namespace KataServer.Runner;

/// <summary>
/// Runs the bodies of <see cref="Concurrent.Run(Action[])"/> as controlled operations of the schedule explorer.
/// The engine names them "thread 1", "thread 2"... in start order (in traces; their Thread objects are unnamed, as the real-thread driver's are).
/// </summary>
public sealed class ControlledDriver : IConcurrencyDriver
{
    public void Run(IReadOnlyList<Action> bodies)
    {
        var failures = new Exception?[bodies.Count];
        var threads = new Thread[bodies.Count];
        for (var i = 0; i < bodies.Count; i++)
        {
            var index = i;
            threads[i] = ControlledThread.New(() =>
            {
                try { bodies[index](); }
                catch (Exception e) { failures[index] = e; }
            });
        }

        foreach (var thread in threads) ControlledThread.Start(thread);
        foreach (var thread in threads) ControlledThread.Join(thread);
        Concurrent.RethrowFirst(failures);
    }

    public Task RunAsync(IReadOnlyList<Func<Task>> bodies) =>
        ControlledTask.WhenAll(bodies.Select(body => ControlledTask.Run(() => body())).ToArray());
}
