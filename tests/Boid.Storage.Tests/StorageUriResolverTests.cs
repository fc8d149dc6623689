using Boid.Storage.Local;
using Boid.Storage.WebHdfs;

namespace Boid.Storage.Tests;

[Collection(StorageCollection.Name)]
public sealed class StorageUriResolverTests(StorageFixture fixture) : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "boid-uri-" + Guid.NewGuid().ToString("N"));
    private readonly List<Uri> _namenodes = [];

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    private StorageUriResolver Sut(StorageUriOptions? options = null, IBlobStore? store = null) =>
        new(store ?? new LocalBlobStore(Path.Combine(_temp, "store")), options ?? new StorageUriOptions(), namenode =>
        {
            _namenodes.Add(namenode);
            return new WebHdfsBlobStore(fixture.Http, fixture.FixtureOptions("/").With(namenode, "/"));
        });

    [Theory]
    [InlineData("store:jobs/j1/input.bin")]
    [InlineData("store:///jobs/j1/input.bin")]
    [InlineData("STORE:/jobs/j1/input.bin")]
    public void Resolve_StoreUri_GivesTheClusterStore(string uri)
    {
        var store = new LocalBlobStore(Path.Combine(_temp, "store"));

        var location = Sut(store: store).Resolve(uri);

        Assert.Same(store, location.Store);
        Assert.Equal("jobs/j1/input.bin", location.Path);
    }

    [Fact]
    public async Task Resolve_FileUnderAllowedRoot_GivesALocalStoreThere()
    {
        var root = Path.Combine(_temp, "data");
        Directory.CreateDirectory(Path.Combine(root, "sub"));
        await File.WriteAllTextAsync(Path.Combine(root, "sub", "x.csv"), "1,2");
        var options = new StorageUriOptions();
        options.AllowedFileRoots.Add(root);

        var location = Sut(options).Resolve(new Uri(Path.Combine(root, "sub", "x.csv")).AbsoluteUri);

        Assert.Equal("sub/x.csv", location.Path);
        Assert.Equal("1,2"u8.ToArray(), await BlobStoreSuite.ReadAllAsync(await location.Store.OpenReadAsync(location.Path)));
    }

    [Fact]
    public void Resolve_FileOutsideAllowedRootsOrNoneConfigured_IsRefusedNamingTheOption()
    {
        var options = new StorageUriOptions();
        options.AllowedFileRoots.Add(Path.Combine(_temp, "data"));

        var outside = Assert.Throws<StorageInvalidArgumentException>(() => Sut(options).Resolve("file:///etc/passwd"));
        var escape = Assert.Throws<StorageInvalidArgumentException>(() => Sut(options).Resolve($"file://{_temp}/data/../secret"));
        var off = Assert.Throws<StorageInvalidArgumentException>(() => Sut().Resolve("file:///etc/passwd"));

        Assert.Contains("AllowedFileRoots", outside.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedFileRoots", escape.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedFileRoots is empty", off.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_WebHdfsAndSecureWebHdfs_UseThatHttpAddress()
    {
        var sut = Sut();

        var plain = sut.Resolve("webhdfs://nn.example:9870/data/in%20put/x.bin");
        var secure = sut.Resolve("swebhdfs://nn.example:9871/data/y");
        var again = sut.Resolve("webhdfs://nn.example:9870/data/z");

        Assert.Equal("data/in put/x.bin", plain.Path);
        Assert.Equal([new Uri("http://nn.example:9870/"), new Uri("https://nn.example:9871/")], _namenodes);
        Assert.Same(plain.Store, again.Store);
        Assert.StartsWith("webhdfs:nn.example:9871", secure.Store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_Hdfs_MapsTheRpcAddressToItsWebHdfsAddress()
    {
        var options = new StorageUriOptions { DefaultNamenode = new Uri("http://default-nn:9870/") };
        options.HdfsNamenodes["mapped:8020"] = new Uri("http://mapped-http:50070/");

        var mapped = Sut(options).Resolve("hdfs://mapped:8020/a/b");
        var guessed = Sut(options).Resolve("hdfs://other:8020/c");
        var hostless = Sut(options).Resolve("hdfs:///d/e");

        Assert.Equal(("a/b", "c", "d/e"), (mapped.Path, guessed.Path, hostless.Path));
        Assert.Equal([new Uri("http://mapped-http:50070/"), new Uri("http://other:9870/"), new Uri("http://default-nn:9870/")], _namenodes);
    }

    [Theory]
    [InlineData("s3://bucket/key", "scheme")]
    [InlineData("hdfs:///x", "DefaultNamenode")]
    [InlineData("store:../x", "plain store path")]
    [InlineData("relative/path", "scheme")]
    public void Resolve_UnusableUris_AreRefusedWithAReason(string uri, string reason)
    {
        var error = Assert.Throws<StorageInvalidArgumentException>(() => Sut().Resolve(uri));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_WebHdfsUri_ReadsFromTheServer()
    {
        var root = "/u-" + Guid.NewGuid().ToString("N")[..12];
        var writer = new WebHdfsBlobStore(fixture.Http, fixture.FixtureOptions(root));
        await writer.PutAsync("bootstrap/data.bin", new MemoryStream("bootstrap"u8.ToArray()));
        try
        {
            var location = Sut().Resolve($"webhdfs://{fixture.Server.NamenodeUri.Authority}{root}/bootstrap/data.bin");

            Assert.Equal("bootstrap"u8.ToArray(), await BlobStoreSuite.ReadAllAsync(await location.Store.OpenReadAsync(location.Path)));
        }
        finally
        {
            await new WebHdfsBlobStore(fixture.Http, fixture.FixtureOptions("/")).DeleteAsync(root, recursive: true);
        }
    }
}
