using KataServer.Cli;
using KataServer.Cli.Commands;

// kata: the command-line face of the grader.
return await CommandLine.RunAsync(args, new Dictionary<string, ICommand>
{
    ["list"] = new ListCommand(),
    ["show"] = new ShowCommand(),
    ["grade"] = new GradeCommand(),
    ["replay"] = new ReplayCommand(),
    ["validate"] = new ValidateCommand(),
    ["bench"] = new BenchCommand(),
    ["submit"] = new SubmitCommand(),
});
