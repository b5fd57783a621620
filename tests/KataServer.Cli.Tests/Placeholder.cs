namespace KataServer.Cli.Tests;
