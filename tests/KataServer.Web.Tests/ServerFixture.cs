[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace KataServer.Web.Tests;

/// <summary>One real host shared by the API tests: two learners and an instructor, made by the account commands.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; } = new(Repository.TempDirectory("api"));
    public string LearnerToken { get; private set; } = "";
    public string OtherLearnerToken { get; private set; } = "";
    public string InstructorToken { get; private set; } = "";
    public string AdminToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        LearnerToken = await Server.AddUserWithTokenAsync("ada@example.org", "learner");
        OtherLearnerToken = await Server.AddUserWithTokenAsync("bob@example.org", "learner");
        InstructorToken = await Server.AddUserWithTokenAsync("ina@example.org", "instructor");
        AdminToken = await Server.AddUserWithTokenAsync("adm@example.org", "admin");
        await Server.StartAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition("server")]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>;
