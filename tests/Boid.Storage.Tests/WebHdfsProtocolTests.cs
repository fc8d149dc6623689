using System.Collections.Concurrent;
using Boid.Storage.WebHdfs;
using Boid.Testing.WebHdfs;
using Microsoft.Extensions.Logging;

namespace Boid.Storage.Tests;

/// <summary>WebHDFS protocol details only the test server can show: redirects, paging, retries, auth, logs.</summary>
[Collection(StorageCollection.Name)]
public sealed class WebHdfsProtocolTests(StorageFixture fixture) : IAsyncLifetime
{
    private readonly string _root = "/p-" + Guid.NewGuid().ToString("N")[..12];

    private WebHdfsTestServer Server => fixture.Server;

    public Task InitializeAsync()
    {
        Server.Requests.Clear();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Server.Intercept = null;
        Server.SupportsListStatusBatch = true;
        await new WebHdfsBlobStore(fixture.Http, fixture.FixtureOptions("/")).DeleteAsync(_root[1..], recursive: true);
    }

    private WebHdfsBlobStore Sut(Action<WebHdfsOptions>? configure = null, HttpClient? http = null, ILogger<WebHdfsBlobStore>? logger = null)
    {
        var options = fixture.FixtureOptions(_root);
        configure?.Invoke(options);
        return new WebHdfsBlobStore(http ?? fixture.Http, options, logger);
    }

    [Fact]
    public async Task PutAsync_TwoStepCreate_SendsNoDataToTheNamenode()
    {
        var sut = Sut();

        await sut.PutAsync("a/b.bin", new MemoryStream(BlobStoreSuite.Bytes(100_000, 1)));
        await sut.AppendAsync("a/b.bin", new MemoryStream(BlobStoreSuite.Bytes(1000, 2)));

        Assert.Equal(0, Server.NamenodeBodyBytes);
        Assert.Equal(["namenode", "datanode"], Server.RequestsFor("CREATE").Select(r => r.Endpoint));
        Assert.Equal(["namenode", "datanode"], Server.RequestsFor("APPEND").Select(r => r.Endpoint));
        Assert.Equal(101_000, (await sut.StatAsync("a/b.bin"))!.Length);
    }

    [Fact]
    public async Task ListAsync_MoreEntriesThanAPage_FetchesPagesWithStartAfter()
    {
        var sut = Sut();
        for (var i = 0; i < 10; i++)
        {
            await sut.PutAsync($"d/{i}", new MemoryStream([1]));
        }

        Server.Requests.Clear();
        var names = await sut.ListAsync("d").Select(e => e.Name).ToListAsync();

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), names);
        Assert.Equal(3, Server.RequestsFor("LISTSTATUS_BATCH").Count()); // 4 + 4 + 2 with BatchSize 4
        Assert.Empty(Server.RequestsFor("LISTSTATUS"));
    }

    [Fact]
    public async Task ListAsync_ServerWithoutListStatusBatch_FallsBackToListStatus()
    {
        var sut = Sut();
        await sut.PutAsync("d/x", new MemoryStream([1]));
        await sut.PutAsync("d/y", new MemoryStream([1]));
        Server.SupportsListStatusBatch = false;

        var first = await sut.ListAsync("d").Select(e => e.Name).ToListAsync();
        var second = await sut.ListAsync("d").Select(e => e.Name).ToListAsync();

        Assert.Equal(["x", "y"], first);
        Assert.Equal(first, second);
        Assert.Single(Server.RequestsFor("LISTSTATUS_BATCH")); // asked once, then remembered
        Assert.Equal(2, Server.RequestsFor("LISTSTATUS").Count());
    }

    [Fact]
    public async Task PutAsync_RedirectWithoutLocation_ThrowsProtocolAndSendsNothing()
    {
        Server.Intercept = async (context, request) =>
        {
            if (request is { Endpoint: "namenode", Op: "CREATE" })
            {
                context.Response.StatusCode = 307;
                await context.Response.CompleteAsync();
                return true;
            }

            return false;
        };

        var error = await Assert.ThrowsAsync<StorageException>(() => Sut().PutAsync("f", new MemoryStream([1, 2, 3])));

        Assert.Equal(StorageErrorKind.Protocol, error.Kind);
        Assert.Contains("without a Location", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Requests, r => r.Endpoint == "datanode");
    }

    [Fact]
    public async Task PutAsync_RedirectToItself_ThrowsProtocolWithoutSendingTheBody()
    {
        Server.Intercept = (context, request) =>
        {
            if (request is { Endpoint: "namenode", Op: "CREATE" })
            {
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = context.Request.Scheme + "://" + context.Request.Host + context.Request.Path + context.Request.QueryString;
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        };

        var error = await Assert.ThrowsAsync<StorageException>(() => Sut().PutAsync("f", new MemoryStream([1, 2, 3])));

        Assert.Equal(StorageErrorKind.Protocol, error.Kind);
        Assert.Contains("redirect loop", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Server.NamenodeBodyBytes);
    }

    [Fact]
    public async Task OpenReadAsync_RedirectLoopBetweenEndpoints_ThrowsProtocol()
    {
        var sut = Sut();
        await sut.PutAsync("f", new MemoryStream([1]));
        Server.Intercept = (context, request) =>
        {
            if (request is { Endpoint: "datanode", Op: "OPEN" })
            {
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = new Uri(Server.NamenodeUri, "webhdfs/v1" + _root + "/f?op=OPEN&user.name=boid").ToString();
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        };

        var error = await Assert.ThrowsAsync<StorageException>(() => sut.OpenReadAsync("f"));

        Assert.Equal(StorageErrorKind.Protocol, error.Kind);
        Assert.Contains("redirect loop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenReadAsync_EndlessRedirects_StopsAfterMaxRedirects()
    {
        var sut = Sut(o => o.MaxRedirects = 3);
        await sut.PutAsync("f", new MemoryStream([1]));
        var hop = 0;
        Server.Intercept = (context, request) =>
        {
            if (request is { Endpoint: "datanode", Op: "OPEN" })
            {
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = $"{Server.DatanodeUri}webhdfs/v1{_root}/f?op=OPEN&hop={Interlocked.Increment(ref hop)}";
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        };

        var error = await Assert.ThrowsAsync<StorageException>(() => sut.OpenReadAsync("f"));

        Assert.Equal(StorageErrorKind.Protocol, error.Kind);
        Assert.Contains("more than 3 redirects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatAsync_StandbyThenActive_RetriesAndSucceeds()
    {
        var sut = Sut();
        await sut.CreateDirectoryAsync("d");
        var failures = 2;
        Server.Intercept = async (context, request) =>
        {
            if (request.Op == "GETFILESTATUS" && Interlocked.Decrement(ref failures) >= 0)
            {
                await WebHdfsTestServer.WriteRemoteExceptionAsync(context, 403, "StandbyException", "org.apache.hadoop.ipc.StandbyException",
                    "Operation category READ is not supported in state standby");
                return true;
            }

            return false;
        };

        var info = await sut.StatAsync("d");

        Assert.Equal(BlobKind.Directory, info!.Kind);
        Assert.Equal(3, Server.RequestsFor("GETFILESTATUS").Count());
    }

    [Fact]
    public async Task StatAsync_AlwaysUnavailable_GivesUpAfterMaxAttempts()
    {
        Server.Intercept = (context, request) =>
        {
            context.Response.StatusCode = 503;
            return Task.FromResult(true);
        };

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => Sut(o => o.MaxAttempts = 3).StatAsync("d"));

        Assert.True(error.IsTransient);
        Assert.Equal(3, Server.RequestsFor("GETFILESTATUS").Count());
    }

    [Fact]
    public async Task Operations_ClientErrors_AreNotRetried()
    {
        var sut = Sut();
        await sut.PutAsync("f", new MemoryStream([1]));
        Server.Intercept = async (context, request) =>
        {
            if (request.Op == "DELETE")
            {
                await WebHdfsTestServer.WriteRemoteExceptionAsync(context, 403, "AccessControlException", "org.apache.hadoop.security.AccessControlException", "Permission denied: user=boid, access=WRITE");
                return true;
            }

            return false;
        };

        await Assert.ThrowsAsync<StorageNotFoundException>(() => sut.OpenReadAsync("missing"));
        await Assert.ThrowsAsync<StorageAccessDeniedException>(() => sut.DeleteAsync("f"));

        Assert.Single(Server.RequestsFor("OPEN"));
        Assert.Single(Server.RequestsFor("DELETE"));
    }

    [Fact]
    public async Task Operations_ConnectionRefused_RetriedThenUnavailable()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var counter = new CountingHandler(WebHdfsBlobStore.CreateHttpHandler());
        using var http = WebHdfsBlobStore.CreateHttpClient(counter);
        var sut = Sut(o => { o.NamenodeUri = new Uri($"http://127.0.0.1:{port}/"); o.MaxAttempts = 3; }, http);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() => sut.StatAsync("x"));

        Assert.Contains("cannot connect", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, counter.Count);
    }

    [Fact]
    public async Task PutAsync_DatanodeFailsAfterTheBody_RetriesOnlyASeekableSource()
    {
        var sut = Sut();
        var content = BlobStoreSuite.Bytes(50_000, 3);
        var failures = 0;
        Server.Intercept = async (context, request) =>
        {
            if (request is { Endpoint: "datanode", Op: "CREATE" } && Interlocked.Increment(ref failures) <= 2)
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
                context.Response.StatusCode = 503;
                return true;
            }

            return false;
        };

        await Assert.ThrowsAsync<StorageUnavailableException>(() => sut.PutAsync("once", new GeneratedStream(new MemoryStream(content))));
        Assert.Single(Server.RequestsFor("CREATE"), r => r.Endpoint == "datanode");

        var put = await sut.PutAsync("seekable", new MemoryStream(content));

        Assert.Equal(ContentHash.ComputeSha256(content), put.Sha256);
        Assert.Equal(content, await BlobStoreSuite.ReadAllAsync(await sut.OpenReadAsync("seekable")));
        Assert.Equal(3, Server.RequestsFor("CREATE").Count(r => r.Endpoint == "datanode"));
    }

    [Fact]
    public async Task DelegationToken_AuthenticatesAsItsUser_AndIsNeverLogged()
    {
        const string Token = "SECRET-TOKEN-HgAFYm9pZAVib2lkAIoBj";
        Server.DelegationTokens[Token] = "boid";
        var logs = new ListLogger();
        var sut = Sut(o => { o.User = null; o.DelegationToken = Token; }, logger: logs);
        var unavailable = 1;
        Server.Intercept = (context, request) =>
        {
            if (request.Op == "MKDIRS" && Interlocked.Decrement(ref unavailable) >= 0)
            {
                context.Response.StatusCode = 503;
                return Task.FromResult(true);
            }

            return Task.FromResult(false);
        };

        await sut.CreateDirectoryAsync("t");
        await sut.PutAsync("t/f", new MemoryStream([1, 2]));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => sut.OpenReadAsync("t/none"));
        var denied = await Assert.ThrowsAsync<StorageAccessDeniedException>(() =>
            Sut(o => { o.User = null; o.DelegationToken = "unknown-token"; }).StatAsync("t"));

        Assert.All(Server.RequestsFor("CREATE"), r => Assert.Equal("boid", r.User));
        Assert.Contains("InvalidToken", denied.RemoteExceptionClass, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.Contains("retrying", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains(Token, StringComparison.Ordinal));
        Assert.DoesNotContain(Token, sut.Description + fixture.FixtureOptions(_root).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenReadAsync_HttpClientFollowingRedirects_IsRefused()
    {
        var sut = Sut();
        await sut.PutAsync("f", new MemoryStream([1]));
        using var following = new HttpClient();

        var error = await Assert.ThrowsAsync<StorageException>(() => Sut(http: following).OpenReadAsync("f"));

        Assert.Equal(StorageErrorKind.Protocol, error.Kind);
        Assert.Contains("CreateHttpHandler", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetChecksumAsync_FollowsRedirect_ReturnsHdfsShapedChecksum()
    {
        var sut = Sut();
        await sut.PutAsync("f", new MemoryStream(BlobStoreSuite.Bytes(2000, 9)));

        var checksum = await sut.GetChecksumAsync("f");

        Assert.Equal("MD5-of-0MD5-of-512CRC32C", checksum.Algorithm);
        Assert.Equal(56, checksum.Value.Length);
        Assert.Equal(["namenode", "datanode"], Server.RequestsFor("GETFILECHECKSUM").Select(r => r.Endpoint));
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _count;

        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class ListLogger : ILogger<WebHdfsBlobStore>
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception) + " " + exception);
    }
}
