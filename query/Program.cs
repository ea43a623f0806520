using Analytics.Common.Cli;
using Analytics.Query.Cli;

// Ctrl-C and SIGTERM cancel the command; an Athena query under way is stopped.
return await Commands.InvokeAsync(args, ProgramContext.FromProcess()).ConfigureAwait(false);
