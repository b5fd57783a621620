namespace KataServer.Scheduling.Tests;
