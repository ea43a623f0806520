using System.CommandLine;
using Analytics.Common.Cli;
using Analytics.Ingest.Cli;

// Ctrl-C and SIGTERM cancel the run, which then stops its writes and deletes its hidden files; given up to 30 s.
return await Commands.InvokeAsync(args, ProgramContext.FromProcess(), new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) }).ConfigureAwait(false);
