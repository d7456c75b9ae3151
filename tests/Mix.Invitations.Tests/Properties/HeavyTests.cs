namespace Mix.Invitations.Tests.Properties;

/// <summary>
/// The long-running, multi-threaded suites (property tests with 10 000 cases each, the fuzz corpus replay) run in this
/// collection, alone, after the parallel ones: their load would otherwise disturb tests that count allocations on a
/// thread (Tokens/HotPathTests).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeavyTests
{
    public const string Name = "Heavy: property tests and fuzz corpus replay";
}
