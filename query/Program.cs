using Analytics.Query.Cli;

// Ctrl-C and SIGTERM cancel the command; an Athena query under way is stopped.
return await Commands.InvokeAsync(args).ConfigureAwait(false);
