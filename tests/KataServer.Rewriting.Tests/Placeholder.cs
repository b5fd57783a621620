namespace KataServer.Rewriting.Tests;
