using KataServer.Platform.Data;

namespace KataServer.Platform.Jobs;

/// <summary>
/// Hangfire queues. A <c>run</c> (and a replay) is someone waiting at the editor: it goes before full grades. The names sort
/// in priority order because Hangfire.PostgreSql takes queues by name, not in the configured order (ENVIRONMENT.md);
/// the SQLite storage takes them in the configured order, which is the same.
/// </summary>
public static class JobQueues
{
    public const string Run = "p1-run";
    public const string Submit = "p2-submit";
    /// <summary>Kata validations (authoring): many gradings each, so after everything a learner waits for.</summary>
    public const string Validate = "p3-validate";

    public static readonly string[] InPriorityOrder = [Run, Submit, Validate];

    public static string For(string mode) => mode == SubmissionModes.Submit ? Submit : Run;
}
