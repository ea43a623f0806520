using System.CommandLine;
using System.CommandLine.Parsing;

namespace Analytics.Common.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into one line each that names the option, the value given and what is
/// accepted (no .NET type names, no help dump), for exit code 2. Shared by both executables
/// (each program's <c>InvokeAsync</c> runs it); lines go to the invocation's error writer.
/// </summary>
public static partial class CommandLineErrors
{
    /// <summary>Exit code of an invalid command line.</summary>
    public const int InvalidArguments = ExitCodes.Invalid;

    /// <summary>Exit code of a command that failed on something it did not expect.</summary>
    public const int Failed = ExitCodes.Failed;

    /// <summary>
    /// Parses <paramref name="args"/>; on errors writes one line each and a pointer to --help, and returns 2; else runs the
    /// command. A failure the command did not turn into a message of its own is one line (its message), exit code 1; the
    /// .NET exception with its stack trace only with <c>--verbose</c>.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, string program, InvocationConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var verbose = new Option<bool>("--verbose") { Description = "On a failure, print the .NET exception with its stack trace (for a bug report).", Recursive = true };
        root.Options.Add(verbose);
        var parse = root.Parse(args);
        configuration ??= new InvocationConfiguration();
        if (parse.Errors.Count == 0)
        {
            configuration.EnableDefaultExceptionHandler = false;
            try
            {
                return await parse.InvokeAsync(configuration).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await configuration.Error.WriteLineAsync(parse.GetValue(verbose)
                    ? ex.ToString()
                    : $"error: {(ex is AggregateException { InnerException: { } inner } ? inner.Message : ex.Message)} (run again with --verbose for the details)").ConfigureAwait(false);
                return Failed;
            }
        }
        foreach (var line in Lines(parse).Distinct(StringComparer.Ordinal)) await configuration.Error.WriteLineAsync(line).ConfigureAwait(false);
        var command = parse.CommandResult.Command;
        var path = command is RootCommand ? "" : " " + string.Join(' ', Ancestry(parse.CommandResult));
        await configuration.Error.WriteLineAsync($"See: {program}{path} --help").ConfigureAwait(false);
        return InvalidArguments;
    }

    /// <summary>One line per problem.</summary>
    public static IEnumerable<string> Lines(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        foreach (var error in parse.Errors)
        {
            var option = error.SymbolResult switch
            {
                OptionResult o => o.Option,
                ArgumentResult { Parent: OptionResult o } => o.Option,
                _ => null,
            };
            if (option is not null && error.SymbolResult is { Tokens.Count: > 0 } result && error.Message.StartsWith("Cannot parse argument", StringComparison.Ordinal))
                yield return $"{option.Name} is '{string.Join(' ', result.Tokens.Select(t => t.Value))}': expected {Accepted(option.ValueType)}";
            else if (option is not null && error.Message.EndsWith("is required.", StringComparison.Ordinal))
                yield return $"{option.Name} is required: {option.Description}";
            else if (error.Message.StartsWith("Required argument missing", StringComparison.Ordinal) && parse.Errors.Any(e => e.SymbolResult is OptionResult))
                continue; // said already, by the option that is missing
            else if (UnknownOption().Match(error.Message) is { Success: true } unknown && parse.CommandResult.Command.Options.Any(o => o.Name == "--param"))
                yield return $"{error.Message} A catalog query's parameters are given as -p NAME=VALUE: -p {unknown.Groups[1].Value}=….";
            else yield return error.Message;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Unrecognized command or argument '--([a-z_]+)'")]
    private static partial System.Text.RegularExpressions.Regex UnknownOption();

    private static string Accepted(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsEnum) return string.Join(", ", Enum.GetNames(t).Select(n => n.ToLowerInvariant())).ReplaceLastComma();
        if (t == typeof(int) || t == typeof(long)) return "a whole number";
        if (t == typeof(double) || t == typeof(decimal)) return "a number";
        if (t == typeof(bool)) return "true or false";
        return "a value of the right form (see --help)";
    }

    private static string ReplaceLastComma(this string text)
    {
        var last = text.LastIndexOf(", ", StringComparison.Ordinal);
        return last < 0 ? text : text[..last] + " or " + text[(last + 2)..];
    }

    private static IEnumerable<string> Ancestry(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c && c.Command is not RootCommand; r = r.Parent) names.Insert(0, c.Command.Name);
        return names;
    }
}
