using Analytics.Common.Settings;
using Analytics.Ingest.Input;

namespace Analytics.Ingest.Run;

/// <summary>What one ingest run reads and where it writes: the lake's and the ingest's settings, and the run's inputs.</summary>
internal sealed class IngestOptions
{
    /// <summary>The lake and how the run holds it.</summary>
    public required LakeSettings Lake { get; init; }

    /// <summary>How the run reads and writes.</summary>
    public IngestSettings Settings { get; init; } = new();

    /// <summary>Files, folders (searched recursively) or <c>s3://bucket/prefix/</c> to read.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>
    /// The objects to read, already listed (the worker's new objects); when set, <see cref="Inputs"/> only names where
    /// they come from and is not listed again.
    /// </summary>
    public IReadOnlyList<InputObjectRef>? Objects { get; init; }

    /// <summary>The program's S3 client, for a lake or inputs on S3 (the composition root's; never disposed here).</summary>
    /// <value>The default is none: a lake or an input on S3 is then an error.</value>
    public Func<Amazon.S3.IAmazonS3>? S3 { get; init; }

    /// <summary>Called with every row the run reads, landed or a duplicate (the alert rules' input); null for none.</summary>
    public Action<Analytics.Schemas.LakeRow>? Read { get; init; }

    /// <summary>Every problem with the options, each naming the option, its value and the rule; empty when valid.</summary>
    public List<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Lake.Location)) errors.Add("--lake is required: the folder or s3://bucket/prefix/ the lake is written to.");
        errors.AddRange(InputProblems(Inputs));
        errors.AddRange(SettingsLoader.Problems(Lake, Settings));
        return errors;
    }

    /// <summary>What is wrong with the inputs of a run: none, a malformed s3:// location, a file or folder that does not exist.</summary>
    public static IEnumerable<string> InputProblems(IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) yield return "at least one input file or folder is required.";
        foreach (var input in inputs)
        {
            if (Locations.IsS3(input))
            {
                if (Locations.S3Problem(input, "input") is { } problem) yield return problem;
            }
            else if (!File.Exists(input) && !Directory.Exists(input))
                yield return input.StartsWith('-')
                    ? $"'{input}' is not an option of this command (see --help); a file of that name is given as ./{input}."
                    : $"input '{input}' does not exist.";
        }
    }
}
