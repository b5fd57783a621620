using KataServer.Runner;

// The child process that runs one kata test suite against one compiled submission.
// The grader starts it inside the sandbox; results go back on the result channel only,
// never on stdout, which belongs to the learner's code.
//   kata-runner <request.json>        (descriptor 3: the channel; standard input: the run's signing key)
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: kata-runner <request.json>");
    return 2;
}

// Open the channel and read its key before any learner assembly is loaded: standard input is then closed,
// and learner code can neither read the key nor sign a message the grader would accept.
using var channel = ResultChannel.Open();
// Initialise the console now: it needs a thread, and learner code may use up the thread limit later.
Console.Out.Flush();
Console.Error.Flush();
var request = RequestFile.Read(args[0]);
var suite = TestSuite.Load(request);
channel.Send(new() { Type = KataServer.Testing.Protocol.RunnerMessage.Started, Tests = suite.Tests.Select(t => t.Name).ToList() });

ISuiteRunner runner = request.Mode switch
{
    KataServer.Testing.Protocol.RunMode.Explore => new ExploreRunner(request, channel),
    KataServer.Testing.Protocol.RunMode.Measure => new MeasureRunner(request, channel),
    _ => new StressRunner(request, channel),
};
runner.Run(suite);
channel.Send(new() { Type = KataServer.Testing.Protocol.RunnerMessage.Finished });
channel.Dispose();

// Threads the learner left behind (stuck, or foreground) must not keep the run alive.
Environment.Exit(0);
return 0;
