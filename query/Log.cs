using Microsoft.Extensions.Logging;

namespace Analytics.Query;

/// <summary>
/// Every log message of the query program, in one place (event ids by area: 2000 engines). The commands print them on
/// standard error, one line each, a warning as "warning: …".
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Athena query '{Query}' ({QueryId}) succeeded but its result {Location} could not be read ({Reason}); reading its rows through GetQueryResults instead, 1,000 a call.")]
    public static partial void ResultFileUnreadable(ILogger logger, string query, string queryId, string location, string reason);
}
