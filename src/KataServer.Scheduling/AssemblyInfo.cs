[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("KataServer.Scheduling.Tests")]
