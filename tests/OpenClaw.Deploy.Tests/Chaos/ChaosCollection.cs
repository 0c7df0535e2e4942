namespace OpenClaw.Deploy.Tests.Chaos;

/// <summary>The chaos test runs alone, after this assembly's other tests: it measures, and it needs the machine's cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "Scale-out chaos (not in parallel)";
}
