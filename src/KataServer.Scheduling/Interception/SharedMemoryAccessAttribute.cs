namespace KataServer.Scheduling.Interception;

/// <summary>
/// Marks an [Intercepts] class whose replacements are shared-memory scheduling points: the rewriter applies
/// it only where it instruments shared memory (learner code), like field reads and writes.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SharedMemoryAccessAttribute : Attribute;
