using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Boid.Storage.WebHdfs;

/// <summary>Where and how to reach HDFS over WebHDFS. Bound from <c>Boid:Storage:WebHdfs</c>.</summary>
public sealed class WebHdfsOptions
{
    public const string SectionName = "Boid:Storage:WebHdfs";

    /// <summary>The namenode's HTTP address, e.g. <c>http://namenode:9870</c> (Hadoop 3) or <c>http://namenode:50070</c> (Hadoop 2). Required.</summary>
    public Uri? NamenodeUri { get; set; }

    /// <summary>The absolute HDFS directory every store path is relative to.</summary>
    /// <value>Default <c>/</c>.</value>
    public string RootPath { get; set; } = "/";

    /// <summary>The <c>user.name</c> sent when security is off. Leave empty when using <see cref="DelegationToken"/>.</summary>
    public string? User { get; set; }

    /// <summary>A Hadoop delegation token (the <c>delegation</c> parameter) when security is on. A secret: never logged.</summary>
    public string? DelegationToken { get; set; }

    /// <summary>Attempts per operation, counting the first, for transient failures only (connection refused, 502/503/504, StandbyException, RetriableException, SafeModeException).</summary>
    /// <value>Default 5.</value>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The first retry delay; doubled per attempt, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    /// <value>Default 200 ms.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between two attempts.</summary>
    /// <value>Default 10 s.</value>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many redirects a read (OPEN, GETFILECHECKSUM) may follow before it is called a loop.</summary>
    /// <value>Default 4.</value>
    public int MaxRedirects { get; set; } = 4;

    /// <summary>Timeout of a metadata request (status, listing page, mkdirs, delete, rename, the first step of create/append/open). Data transfers have none: they take as long as the bytes take, and cancellation stops them.</summary>
    /// <value>Default 60 s.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>List with <c>LISTSTATUS_BATCH</c> (paged) and fall back to <c>LISTSTATUS</c> when the server lacks it.</summary>
    /// <value>Default true.</value>
    public bool UseListStatusBatch { get; set; } = true;

    /// <summary>Replication of created files; the cluster default when null.</summary>
    public short? Replication { get; set; }

    /// <summary>Block size of created files in bytes; the cluster default when null.</summary>
    public long? BlockSize { get; set; }

    /// <summary>Octal permission of created files and directories (e.g. <c>640</c>); the server default when null.</summary>
    public string? Permission { get; set; }

    /// <summary>The copy buffer for uploads, in bytes.</summary>
    /// <value>Default 81920.</value>
    public int BufferSize { get; set; } = 81920;

    /// <summary>A copy with another namenode and root (used by the URI resolver for <c>webhdfs://</c> and <c>hdfs://</c> URIs).</summary>
    public WebHdfsOptions With(Uri namenodeUri, string rootPath)
    {
        var copy = (WebHdfsOptions)MemberwiseClone();
        copy.NamenodeUri = namenodeUri;
        copy.RootPath = rootPath;
        return copy;
    }

    /// <summary>Describes the options without the delegation token.</summary>
    public override string ToString() =>
        $"namenode {NamenodeUri}, root {RootPath}, auth {(DelegationToken is { Length: > 0 } ? "delegation token" : User is { Length: > 0 } ? "user.name=" + User : "none")}";
}

/// <summary>Checks <see cref="WebHdfsOptions"/>; every message names the option.</summary>
public sealed partial class WebHdfsOptionsValidator : IValidateOptions<WebHdfsOptions>
{
    public ValidateOptionsResult Validate(string? name, WebHdfsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem.</summary>
    public static void ThrowIfInvalid(WebHdfsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(WebHdfsOptions), typeof(WebHdfsOptions), failures);
        }
    }

    private static List<string> Check(WebHdfsOptions o)
    {
        const string P = WebHdfsOptions.SectionName + ":";
        var failures = new List<string>();
        if (o.NamenodeUri is null)
        {
            failures.Add($"{P}{nameof(o.NamenodeUri)} is required: the namenode's HTTP address, e.g. http://namenode:9870");
        }
        else if (!o.NamenodeUri.IsAbsoluteUri || o.NamenodeUri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(o.NamenodeUri.Query))
        {
            failures.Add($"{P}{nameof(o.NamenodeUri)} must be an absolute http or https URL without a query (got '{o.NamenodeUri.GetLeftPart(UriPartial.Path)}')");
        }

        if (string.IsNullOrEmpty(o.RootPath) || !o.RootPath.StartsWith('/') || o.RootPath.Split('/').Any(s => s is "." or ".."))
        {
            failures.Add($"{P}{nameof(o.RootPath)} must be an absolute HDFS path such as /boid (got '{o.RootPath}')");
        }

        if (!string.IsNullOrEmpty(o.User) && !string.IsNullOrEmpty(o.DelegationToken))
        {
            failures.Add($"{P}{nameof(o.User)} and {P}{nameof(o.DelegationToken)} are exclusive: a delegation token names its user");
        }

        if (o.MaxAttempts is < 1 or > 100)
        {
            failures.Add($"{P}{nameof(o.MaxAttempts)} must be between 1 and 100 (got {o.MaxAttempts})");
        }

        if (o.RetryBaseDelay < TimeSpan.Zero || o.RetryMaxDelay < o.RetryBaseDelay)
        {
            failures.Add($"{P}{nameof(o.RetryBaseDelay)} must be non-negative and at most {P}{nameof(o.RetryMaxDelay)}");
        }

        if (o.MaxRedirects is < 1 or > 20)
        {
            failures.Add($"{P}{nameof(o.MaxRedirects)} must be between 1 and 20 (got {o.MaxRedirects})");
        }

        if (o.RequestTimeout <= TimeSpan.Zero && o.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{P}{nameof(o.RequestTimeout)} must be positive (got {o.RequestTimeout})");
        }

        if (o.Replication is < 1)
        {
            failures.Add($"{P}{nameof(o.Replication)} must be at least 1 (got {o.Replication})");
        }

        if (o.BlockSize is < 1)
        {
            failures.Add($"{P}{nameof(o.BlockSize)} must be positive (got {o.BlockSize})");
        }

        if (o.Permission is not null && !OctalPermission().IsMatch(o.Permission))
        {
            failures.Add($"{P}{nameof(o.Permission)} must be an octal permission such as 640 or 1777 (got '{o.Permission}')");
        }

        if (o.BufferSize is < 4096 or > 16 * 1024 * 1024)
        {
            failures.Add($"{P}{nameof(o.BufferSize)} must be between 4096 and 16777216 bytes (got {o.BufferSize})");
        }

        return failures;
    }

    [GeneratedRegex("^[0-1]?[0-7]{3}$")]
    private static partial Regex OctalPermission();
}
