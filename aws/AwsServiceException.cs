using System.Net;

namespace Analytics.Aws;

/// <summary>
/// An AWS service answered with an error: its code (<c>InvalidRequestException</c>, <c>ThrottlingException</c>…),
/// message, request id and HTTP status, and the error's JSON body (service-specific fields such as Athena's
/// <c>AthenaErrorCode</c>).
/// </summary>
public sealed class AwsServiceException : Exception
{
    /// <summary>Error codes that mean "slow down": retried with backoff.</summary>
    public static IReadOnlySet<string> ThrottlingCodes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ThrottlingException", "Throttling", "ThrottledException", "TooManyRequestsException", "RequestThrottledException",
        "RequestLimitExceeded", "RequestThrottled", "SlowDown", "ProvisionedThroughputExceededException", "PriorRequestNotComplete",
        "BandwidthLimitExceeded", "EC2ThrottledException", "TransactionInProgressException",
    };

    /// <summary>Error codes of transient failures that are not 5xx: retried.</summary>
    public static IReadOnlySet<string> TransientCodes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException", "IDPCommunicationError",
    };

    /// <summary>Creates the exception.</summary>
    public AwsServiceException(string service, string operation, string errorCode, string errorMessage, string? requestId, HttpStatusCode status, string body)
        : base($"{service} {operation} failed: {errorCode}: {errorMessage}{(requestId is null ? "" : $" (request id {requestId})")}")
    {
        Service = service;
        Operation = operation;
        ErrorCode = errorCode;
        ErrorMessage = errorMessage;
        RequestId = requestId;
        StatusCode = status;
        Body = body;
    }

    /// <summary>Creates the exception.</summary>
    public AwsServiceException() : this("", "", "", "", null, 0, "") { }

    /// <summary>Creates the exception.</summary>
    public AwsServiceException(string message) : base(message)
    {
        Service = Operation = ErrorCode = ErrorMessage = Body = "";
    }

    /// <summary>Creates the exception.</summary>
    public AwsServiceException(string message, Exception inner) : base(message, inner)
    {
        Service = Operation = ErrorCode = ErrorMessage = Body = "";
    }

    /// <summary>The service's signing name.</summary>
    public string Service { get; }

    /// <summary>The operation called.</summary>
    public string Operation { get; }

    /// <summary>The error code, without namespace (<c>InvalidRequestException</c>).</summary>
    public string ErrorCode { get; }

    /// <summary>The service's message.</summary>
    public string ErrorMessage { get; }

    /// <summary>The <c>x-amzn-RequestId</c> of the response.</summary>
    public string? RequestId { get; }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The error response's JSON body.</summary>
    public string Body { get; }

    /// <summary>Throttling, a transient code or a 5xx: the same call may succeed later.</summary>
    public bool IsRetryable => ThrottlingCodes.Contains(ErrorCode) || TransientCodes.Contains(ErrorCode) || (int)StatusCode >= 500;
}
