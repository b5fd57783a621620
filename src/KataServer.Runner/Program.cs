using KataServer.Runner;
using KataServer.Testing.Protocol;

// The child process that runs one kata test suite against one compiled submission.
// The grader starts it inside the sandbox; results go back on the result channel only,
// never on stdout, which belongs to the learner's code.
//   kata-runner        (descriptor 3: the channel; standard input: the run's signing key, then its request and assemblies)
if (args.Length != 0)
{
    Console.Error.WriteLine("usage: kata-runner < input   (the grader starts it; see RunInput)");
    return 2;
}

// Open the channel and read its key, the request and the assemblies before any learner assembly is loaded: standard
// input is then at its end, and learner code can neither read the key (nor sign a message the grader would accept)
// nor find the hidden tests or the reference under any path: they are loaded from memory.
ResultChannel channel;
RunInput input;
using (var stdin = Console.OpenStandardInput())
{
    channel = ResultChannel.Open(stdin);
    input = RunInput.ReadFrom(new BufferedStream(stdin, 64 * 1024));
}
// Initialise the console now: it needs a thread, and learner code may use up the thread limit later.
Console.Out.Flush();
Console.Error.Flush();
var request = input.Request;
var suite = TestSuite.Load(input);
ISuiteRunner runner = request.Mode switch
{
    RunMode.Explore => new ExploreRunner(request, channel),
    RunMode.Measure => new MeasureRunner(input, channel),
    _ => new StressRunner(request, channel),
};
input.Forget();
channel.Send(new() { Type = RunnerMessage.Started, Tests = suite.Tests.Select(t => t.Name).ToList() });

runner.Run(suite);
channel.Send(new() { Type = RunnerMessage.Finished });
channel.Dispose();

// Threads the learner left behind (stuck, or foreground) must not keep the run alive.
Environment.Exit(0);
return 0;
