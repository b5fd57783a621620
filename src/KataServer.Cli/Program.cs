using KataServer.Cli;

// kata: the command-line face of the grader.
return await KataProgram.RunAsync(args, Console.Out, Console.Error);
