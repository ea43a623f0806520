using System.Collections;
using Amazon.Runtime;

namespace Analytics.Common.Cli;

/// <summary>
/// What a program takes from the process it runs in, handed to its composition root so that nothing below reads the
/// process's globals: the environment (settings), the clock, AWS credentials, and standard output as a stream for
/// binary results. The text writers a command prints to are System.CommandLine's (<c>InvocationConfiguration</c>).
/// Tests build one with their own environment and credentials, and run beside each other.
/// </summary>
public sealed class ProgramContext
{
    /// <summary>The environment variables: <c>ANALYTICS__Section__Key</c> settings and <c>ANALYTICS_SETTINGS</c>.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>AWS credentials; null for the SDK's chain (environment, profile, SSO, web identity, the ECS task role).</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>Standard output as a stream, for binary results (Arrow, Parquet); null when output is only text (tests).</summary>
    public Func<Stream>? StandardOutput { get; init; }

    /// <summary>Whether standard output goes to a file or a pipe rather than a terminal (binary results are refused on a terminal).</summary>
    public bool OutputRedirected { get; init; } = true;

    /// <summary>The process's own.</summary>
    public static ProgramContext FromProcess() => new()
    {
        Environment = System.Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal),
        StandardOutput = Console.OpenStandardOutput,
        OutputRedirected = Console.IsOutputRedirected,
    };
}
