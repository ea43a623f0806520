using Microsoft.Extensions.Logging;

namespace Analytics.Tests;

/// <summary>A log that keeps each message's text, for a test to read (a provider and the logger it hands out).</summary>
public sealed class ListLogger : ILoggerProvider, ILogger
{
    private readonly List<string> _lines = [];

    /// <summary>The messages so far, in order.</summary>
    public List<string> Lines
    {
        get { lock (_lines) return [.. _lines]; }
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (_lines) _lines.Add(formatter(state, exception));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
