namespace KataServer.Grading.Tests;
