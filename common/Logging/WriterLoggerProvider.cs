using Microsoft.Extensions.Logging;

namespace Analytics.Common.Logging;

/// <summary>
/// The command-line programs' log: warnings and errors (a retry, a query stopped) as one line each on the command's
/// error writer, "warning: …". The worker logs through Microsoft.Extensions.Logging's console instead.
/// </summary>
/// <param name="error">The command's error writer.</param>
/// <param name="level">The lowest level written.</param>
public sealed class WriterLoggerProvider(TextWriter error, LogLevel level = LogLevel.Warning) : ILoggerProvider
{
    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(error, level);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter error, LogLevel level) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= level && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!IsEnabled(logLevel)) return;
            var prefix = logLevel >= LogLevel.Error ? "error: " : logLevel == LogLevel.Warning ? "warning: " : "";
            lock (error) error.WriteLine(prefix + formatter(state, exception));
        }
    }
}

/// <summary>The log of a command-line program.</summary>
public static class CommandLog
{
    /// <summary>A logger factory whose messages from <paramref name="level"/> up go to <paramref name="error"/>, one line each.</summary>
    public static ILoggerFactory To(TextWriter error, LogLevel level = LogLevel.Warning) =>
        LoggerFactory.Create(builder => builder.AddProvider(new WriterLoggerProvider(error, level)));
}
