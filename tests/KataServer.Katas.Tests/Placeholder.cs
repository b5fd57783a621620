namespace KataServer.Katas.Tests;
