namespace KataServer.Compilation.Tests;
