using Analytics.Generator;

return await GeneratorCommand.InvokeAsync(args).ConfigureAwait(false);
