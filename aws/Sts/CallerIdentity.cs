using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;

namespace Analytics.Aws.Sts;

/// <summary>
/// The account the credentials belong to, from STS GetCallerIdentity (which needs no permission), so that what the
/// collectors store is known to be that account's: the Health account view and Trusted Advisor name no account.
/// </summary>
public static class CallerIdentity
{
    /// <summary>The 12-digit account of the caller, from STS in <paramref name="region"/> (or at <paramref name="endpoint"/>), with <paramref name="credentials"/> or the SDK's chain.</summary>
    /// <exception cref="Amazon.Runtime.AmazonServiceException">STS refused or could not be reached.</exception>
    public static async Task<string> AccountAsync(string? region, Uri? endpoint, Amazon.Runtime.AWSCredentials? credentials, CancellationToken cancellationToken)
    {
        var config = new AmazonSecurityTokenServiceConfig();
        if (region is not null) config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        using var sts = credentials is null ? new AmazonSecurityTokenServiceClient(config) : new AmazonSecurityTokenServiceClient(credentials, config);
        var identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken).ConfigureAwait(false);
        return identity.Account;
    }
}
