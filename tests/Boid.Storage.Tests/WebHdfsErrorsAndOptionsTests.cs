using System.Net;
using Boid.Storage.WebHdfs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Boid.Storage.Tests;

public sealed class WebHdfsErrorsAndOptionsTests
{
    [Theory]
    [InlineData(404, "FileNotFoundException", "java.io.FileNotFoundException", StorageErrorKind.NotFound)]
    [InlineData(403, "AccessControlException", "org.apache.hadoop.security.AccessControlException", StorageErrorKind.PermissionDenied)]
    [InlineData(401, "SecurityException", "java.lang.SecurityException", StorageErrorKind.PermissionDenied)]
    [InlineData(403, "FileAlreadyExistsException", "org.apache.hadoop.fs.FileAlreadyExistsException", StorageErrorKind.Conflict)]
    [InlineData(403, "PathIsNotEmptyDirectoryException", "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException", StorageErrorKind.Conflict)]
    [InlineData(400, "IllegalArgumentException", "java.lang.IllegalArgumentException", StorageErrorKind.InvalidArgument)]
    [InlineData(400, "UnsupportedOperationException", "java.lang.UnsupportedOperationException", StorageErrorKind.InvalidArgument)]
    [InlineData(403, "StandbyException", "org.apache.hadoop.ipc.StandbyException", StorageErrorKind.Unavailable)]
    [InlineData(403, "RetriableException", "org.apache.hadoop.ipc.RetriableException", StorageErrorKind.Unavailable)]
    [InlineData(403, "IOException", "java.io.IOException", StorageErrorKind.Protocol)]
    [InlineData(500, "RuntimeException", "java.lang.RuntimeException", StorageErrorKind.Protocol)]
    public void FromReply_RemoteException_MapsByJavaClass(int status, string exception, string javaClassName, StorageErrorKind expected)
    {
        var body = $$$"""{"RemoteException":{"exception":"{{{exception}}}","javaClassName":"{{{javaClassName}}}","message":"detail here"}}""";

        var error = WebHdfsErrors.FromReply((HttpStatusCode)status, body, "OPEN", "a/b");

        Assert.Equal(expected, error.Kind);
        Assert.Equal(javaClassName, error.RemoteExceptionClass);
        Assert.Contains("detail here", error.Message, StringComparison.Ordinal);
        Assert.Contains("'a/b'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(404, "", StorageErrorKind.NotFound)]
    [InlineData(503, "<html>busy</html>", StorageErrorKind.Unavailable)]
    [InlineData(403, "", StorageErrorKind.PermissionDenied)]
    [InlineData(409, "{}", StorageErrorKind.Conflict)]
    [InlineData(500, "", StorageErrorKind.Protocol)]
    public void FromReply_NoRemoteException_MapsByStatus(int status, string body, StorageErrorKind expected) =>
        Assert.Equal(expected, WebHdfsErrors.FromReply((HttpStatusCode)status, body, "GETFILESTATUS", "x").Kind);

    [Fact]
    public void Validator_BadOptions_MessagesNameEachOption()
    {
        var options = new WebHdfsOptions
        {
            NamenodeUri = new Uri("ftp://nn/"),
            RootPath = "relative",
            User = "u",
            DelegationToken = "t",
            MaxAttempts = 0,
            MaxRedirects = 0,
            Permission = "999",
        };

        var result = new WebHdfsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var name in new[] { "NamenodeUri", "RootPath", "DelegationToken", "MaxAttempts", "MaxRedirects", "Permission" })
        {
            Assert.Contains(result.Failures!, f => f.Contains("Boid:Storage:WebHdfs:" + name, StringComparison.Ordinal));
        }

        Assert.Contains(new WebHdfsOptionsValidator().Validate(null, new WebHdfsOptions()).Failures!, f => f.Contains("NamenodeUri is required", StringComparison.Ordinal));
        Assert.Throws<OptionsValidationException>(() => new WebHdfsBlobStore(new HttpClient(), options));
    }

    [Fact]
    public void AddBoidWebHdfsStore_ValidOptions_ResolvesTheStore()
    {
        var services = new ServiceCollection();
        services.AddBoidWebHdfsStore(o => o.Configure(w => { w.NamenodeUri = new Uri("http://nn:9870"); w.RootPath = "/boid"; w.User = "boid"; }));
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<WebHdfsBlobStore>();

        Assert.Equal("webhdfs:nn:9870/boid", store.Description);
        Assert.Equal("/boid/jobs/j1", store.GetHdfsPath("jobs/j1"));
    }

    [Fact]
    public void AddBoidWebHdfsStore_InvalidOptions_FailsNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddBoidWebHdfsStore();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<WebHdfsBlobStore>());

        Assert.Contains("Boid:Storage:WebHdfs:NamenodeUri", error.Message, StringComparison.Ordinal);
    }
}
