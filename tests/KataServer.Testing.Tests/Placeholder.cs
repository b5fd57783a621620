namespace KataServer.Testing.Tests;
