// Each test here grades in sandboxed child processes that use every core (stress, exploration):
// running them one at a time keeps the timing-based watchdogs honest on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
