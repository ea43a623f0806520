using System.Runtime.CompilerServices;

namespace Analytics.Tests;

/// <summary>What the whole test process shares, set once before any test runs (tests run in parallel and never set the environment).</summary>
internal static class TestEnvironment
{
    /// <summary>No test asks EC2 instance metadata for a region or credentials: off a cloud host it only times out.</summary>
    [ModuleInitializer]
    internal static void Initialize() => Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
}
