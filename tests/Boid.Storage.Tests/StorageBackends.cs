using Boid.Storage.Local;
using Boid.Storage.WebHdfs;
using Boid.Testing.WebHdfs;

namespace Boid.Storage.Tests;

/// <summary>
/// The backends the shared suite runs against. "local" and "webhdfs-fixture" always; "webhdfs-real" only when
/// BOID_TEST_WEBHDFS names a namenode (e.g. http://namenode:9870) — otherwise its cases are not generated at all.
/// Optional: BOID_TEST_WEBHDFS_USER (user.name, default "boid"), BOID_TEST_WEBHDFS_TOKEN (delegation token instead),
/// BOID_TEST_WEBHDFS_ROOT (a directory the user may write, default /tmp/boid-storage-tests).
/// </summary>
public static class Backends
{
    public const string Local = "local";
    public const string Fixture = "webhdfs-fixture";
    public const string Real = "webhdfs-real";

    public static string? RealNamenode => Environment.GetEnvironmentVariable("BOID_TEST_WEBHDFS") is { Length: > 0 } v ? v : null;

    public static string? RealToken => Environment.GetEnvironmentVariable("BOID_TEST_WEBHDFS_TOKEN") is { Length: > 0 } v ? v : null;

    public static string RealUser => Environment.GetEnvironmentVariable("BOID_TEST_WEBHDFS_USER") is { Length: > 0 } v ? v : "boid";

    public static string RealRoot => Environment.GetEnvironmentVariable("BOID_TEST_WEBHDFS_ROOT") is { Length: > 0 } v ? v.TrimEnd('/') : "/tmp/boid-storage-tests";

    /// <summary>Every backend.</summary>
    public static TheoryData<string> All
    {
        get
        {
            var data = new TheoryData<string> { Local, Fixture };
            if (RealNamenode is not null)
            {
                data.Add(Real);
            }

            return data;
        }
    }

    /// <summary>Backends with users and permissions that a test can switch between (user.name authentication).</summary>
    public static TheoryData<string> WithUsers
    {
        get
        {
            var data = new TheoryData<string> { Fixture };
            if (RealNamenode is not null && RealToken is null)
            {
                data.Add(Real);
            }

            return data;
        }
    }
}

/// <summary>One store for one test, rooted in a fresh directory that is removed afterwards.</summary>
public sealed class TestStore(IBlobStore store, Func<string, IBlobStore>? asUser, Func<Task> cleanup) : IAsyncDisposable
{
    public IBlobStore Store { get; } = store;

    /// <summary>The same root seen by another user (backends in <see cref="Backends.WithUsers"/>).</summary>
    public IBlobStore AsUser(string user) => (asUser ?? throw new InvalidOperationException("this backend has no users"))(user);

    public async ValueTask DisposeAsync() => await cleanup();
}

/// <summary>Starts the WebHDFS test server once for the whole collection.</summary>
public sealed class StorageFixture : IAsyncLifetime
{
    private WebHdfsTestServer? _server;

    internal WebHdfsTestServer Server => _server ?? throw new InvalidOperationException("not started");

    public HttpClient Http { get; } = WebHdfsBlobStore.CreateHttpClient();

    public async Task InitializeAsync() => _server = await WebHdfsTestServer.StartAsync();

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    internal WebHdfsOptions FixtureOptions(string root, string user = "boid") => new()
    {
        NamenodeUri = Server.NamenodeUri,
        RootPath = root,
        User = user,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromSeconds(30),
    };

    public async Task<TestStore> CreateAsync(string backend)
    {
        var id = "t-" + Guid.NewGuid().ToString("N")[..12];
        switch (backend)
        {
            case Backends.Local:
            {
                var root = Path.Combine(Path.GetTempPath(), "boid-local-store-" + id);
                return new TestStore(new LocalBlobStore(root), null, () =>
                {
                    if (Directory.Exists(root))
                    {
                        Directory.Delete(root, recursive: true);
                    }

                    return Task.CompletedTask;
                });
            }

            case Backends.Fixture:
            {
                var root = "/" + id;
                IBlobStore Make(string user) => new WebHdfsBlobStore(Http, FixtureOptions(root, user));
                var store = Make("boid");
                await store.CreateDirectoryAsync("");
                return new TestStore(store, Make, async () => await new WebHdfsBlobStore(Http, FixtureOptions("/")).DeleteAsync(id, recursive: true));
            }

            case Backends.Real:
            {
                var root = Backends.RealRoot + "/" + id;
                WebHdfsOptions Options(string path, string? user) => new()
                {
                    NamenodeUri = new Uri(Backends.RealNamenode!),
                    RootPath = path,
                    User = Backends.RealToken is null ? user : null,
                    DelegationToken = Backends.RealToken,
                };
                var store = new WebHdfsBlobStore(Http, Options(root, Backends.RealUser));
                await store.CreateDirectoryAsync("");
                return new TestStore(store, user => new WebHdfsBlobStore(Http, Options(root, user)),
                    async () => await new WebHdfsBlobStore(Http, Options(Backends.RealRoot, Backends.RealUser)).DeleteAsync(id, recursive: true));
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(backend), backend, "unknown backend");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<StorageFixture>
{
    public const string Name = "storage";
}
