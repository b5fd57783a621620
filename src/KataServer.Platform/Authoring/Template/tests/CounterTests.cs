using KataServer.Testing;

namespace KataTests;

public static class CounterTests
{
    [KataTest(Description = "Two threads increment at once: Total counts every increment.")]
    public static void IncrementsAreNotLost()
    {
        var counter = new Counter();
        Concurrent.Run(2, _ =>
        {
            counter.Increment();
            counter.Increment();
        });
        Check.Equal(4L, counter.Total, FindingKind.LostUpdate, "two threads each called Increment twice");
    }

    [KataTest(Description = "Two threads add at once: Total counts every addition.")]
    public static void AdditionsAreNotLost()
    {
        var counter = new Counter();
        Concurrent.Run(2, _ =>
        {
            counter.Add(5);
            counter.Add(5);
        });
        Check.Equal(20L, counter.Total, FindingKind.LostUpdate, "two threads each called Add(5) twice");
    }
}
