namespace Boid.Storage.Tests;

/// <summary>
/// THE shared suite: every case runs against every backend in <see cref="Backends.All"/> (local directory,
/// the WebHDFS test server, and a real HDFS when BOID_TEST_WEBHDFS is set).
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class BlobStoreSuite(StorageFixture fixture)
{
    public static TheoryData<string> All => Backends.All;

    public static TheoryData<string> WithUsers => Backends.WithUsers;

    internal static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            return memory.ToArray();
        }
    }

    private static Task<PutResult> PutAsync(IBlobStore sut, string path, byte[] content, bool overwrite = true) =>
        sut.PutAsync(path, new MemoryStream(content), overwrite);

    private static async Task<byte[]> GetAsync(IBlobStore sut, string path, long offset = 0, long? length = null) =>
        await ReadAllAsync(await sut.OpenReadAsync(path, offset, length));

    [Theory, MemberData(nameof(All))]
    public async Task PutAsync_ThenOpenRead_ReturnsSameBytesLengthAndSha256(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        var sut = store.Store;
        var content = Bytes(300_000, 1);

        var put = await PutAsync(sut, "jobs/j1/units/u1/out.bin", content);

        Assert.Equal(("jobs/j1/units/u1/out.bin", 300_000L, ContentHash.ComputeSha256(content)), (put.Path, put.Length, put.Sha256));
        Assert.Equal(content, await GetAsync(sut, "/jobs/j1/units/u1/out.bin/"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task PutAsync_NonSeekableSource_StreamsItAll(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        var content = Bytes(1_000_000, 2);

        var put = await store.Store.PutAsync("big.bin", new GeneratedStream(new MemoryStream(content)));

        Assert.Equal(content.Length, put.Length);
        Assert.Equal(content, await GetAsync(store.Store, "big.bin"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task PutAsync_EmptyContent_StoresEmptyFile(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);

        var put = await PutAsync(store.Store, "empty", []);

        Assert.Equal(0, put.Length);
        Assert.Equal(0, (await store.Store.StatAsync("empty"))!.Length);
        Assert.Empty(await GetAsync(store.Store, "empty"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task PutAsync_ExistingWithoutOverwrite_ThrowsConflictAndKeepsContent(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "a.txt", "first"u8.ToArray());

        await Assert.ThrowsAsync<StorageConflictException>(() => PutAsync(store.Store, "a.txt", "second"u8.ToArray(), overwrite: false));

        Assert.Equal("first"u8.ToArray(), await GetAsync(store.Store, "a.txt"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task PutAsync_ExistingWithOverwrite_ReplacesContent(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "a.txt", "first, longer"u8.ToArray());

        await PutAsync(store.Store, "a.txt", "second"u8.ToArray());

        Assert.Equal("second"u8.ToArray(), await GetAsync(store.Store, "a.txt"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task PutAsync_OntoDirectory_ThrowsConflict(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await store.Store.CreateDirectoryAsync("dir");

        await Assert.ThrowsAsync<StorageConflictException>(() => PutAsync(store.Store, "dir", [1, 2, 3]));
    }

    [Theory, MemberData(nameof(All))]
    public async Task PutAsync_BelowAFile_ThrowsConflict(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "file", [1]);

        await Assert.ThrowsAsync<StorageConflictException>(() => PutAsync(store.Store, "file/child", [2]));
    }

    [Theory, MemberData(nameof(All))]
    public async Task PutAsync_CancelledToken_ThrowsOperationCanceled(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.Store.PutAsync("c.bin", new MemoryStream(Bytes(1000, 3)), cancellationToken: cancel.Token));
    }

    [Theory, MemberData(nameof(All))]
    public async Task OpenReadAsync_Missing_ThrowsNotFound(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);

        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.Store.OpenReadAsync("nope/missing.bin"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task OpenReadAsync_Ranges_ReturnTheRequestedBytes(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        var content = Bytes(200_000, 4);
        await PutAsync(store.Store, "r.bin", content);

        Assert.Equal(content[150_000..], await GetAsync(store.Store, "r.bin", offset: 150_000));
        Assert.Equal(content[1000..1100], await GetAsync(store.Store, "r.bin", offset: 1000, length: 100));
        Assert.Equal(content[..10], await GetAsync(store.Store, "r.bin", length: 10));
        Assert.Equal(content[199_990..], await GetAsync(store.Store, "r.bin", offset: 199_990, length: 1000));
        Assert.Empty(await GetAsync(store.Store, "r.bin", offset: 200_000));
        Assert.Empty(await GetAsync(store.Store, "r.bin", offset: 300_000));
    }

    [Theory, MemberData(nameof(All))]
    public async Task AppendAsync_Existing_AddsToTheEnd(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "log.txt", "one\n"u8.ToArray());

        await store.Store.AppendAsync("log.txt", new MemoryStream("two\n"u8.ToArray()));
        await store.Store.AppendAsync("log.txt", new GeneratedStream(new MemoryStream("three\n"u8.ToArray())));

        Assert.Equal("one\ntwo\nthree\n"u8.ToArray(), await GetAsync(store.Store, "log.txt"));
        Assert.Equal(14, (await store.Store.StatAsync("log.txt"))!.Length);
    }

    [Theory, MemberData(nameof(All))]
    public async Task AppendAsync_Missing_ThrowsNotFound(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);

        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.Store.AppendAsync("missing.txt", new MemoryStream([1])));
    }

    [Theory, MemberData(nameof(All))]
    public async Task StatAsync_FileDirectoryAndMissing_DescribesEach(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "d/f.bin", Bytes(1234, 5));

        var file = await store.Store.StatAsync("d/f.bin");
        var directory = await store.Store.StatAsync("d");
        var missing = await store.Store.StatAsync("d/none");

        Assert.Equal(("d/f.bin", "f.bin", BlobKind.File, 1234L), (file!.Path, file.Name, file.Kind, file.Length));
        Assert.NotNull(file.LastModified);
        Assert.Equal(("d", BlobKind.Directory), (directory!.Path, directory.Kind));
        Assert.Null(missing);
    }

    [Theory, MemberData(nameof(All))]
    public async Task ListAsync_ManyEntries_ReturnsAllChildrenInOrderAcrossPages(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        var names = Enumerable.Range(0, 23).Select(i => $"f{i:D2}.txt").ToList();
        foreach (var name in names)
        {
            await PutAsync(store.Store, "many/" + name, [(byte)name.Length]);
        }

        await store.Store.CreateDirectoryAsync("many/sub-a");
        await PutAsync(store.Store, "many/sub-b/deep.txt", [9]);

        var listed = await store.Store.ListAsync("many").ToListAsync();

        Assert.Equal([.. names, "sub-a", "sub-b"], listed.Select(e => e.Name));
        Assert.Equal("many/f00.txt", listed[0].Path);
        Assert.All(listed.Take(23), e => Assert.Equal((BlobKind.File, 1L), (e.Kind, e.Length)));
        Assert.All(listed.Skip(23), e => Assert.Equal(BlobKind.Directory, e.Kind));
        Assert.Equal(["many/sub-b/deep.txt"], await store.Store.ListFilesRecursiveAsync("many/sub-b").Select(e => e.Path).ToListAsync());
    }

    [Theory, MemberData(nameof(All))]
    public async Task ListAsync_EmptyDirectory_ReturnsNothing(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await store.Store.CreateDirectoryAsync("empty");

        Assert.Empty(await store.Store.ListAsync("empty").ToListAsync());
    }

    [Theory, MemberData(nameof(All))]
    public async Task ListAsync_MissingOrFile_ThrowsNotFoundOrInvalidArgument(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "file.txt", [1]);

        await Assert.ThrowsAsync<StorageNotFoundException>(async () => await store.Store.ListAsync("missing").ToListAsync());
        await Assert.ThrowsAsync<StorageInvalidArgumentException>(async () => await store.Store.ListAsync("file.txt").ToListAsync());
    }

    [Theory, MemberData(nameof(All))]
    public async Task CreateDirectoryAsync_NestedAndRepeated_Succeeds(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);

        await store.Store.CreateDirectoryAsync("a/b/c");
        await store.Store.CreateDirectoryAsync("a/b/c");

        Assert.Equal(BlobKind.Directory, (await store.Store.StatAsync("a/b"))!.Kind);
        Assert.Equal(BlobKind.Directory, (await store.Store.StatAsync("a/b/c"))!.Kind);
    }

    [Theory, MemberData(nameof(All))]
    public async Task CreateDirectoryAsync_FileInTheWay_ThrowsConflict(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "f", [1]);

        await Assert.ThrowsAsync<StorageConflictException>(() => store.Store.CreateDirectoryAsync("f"));
        await Assert.ThrowsAsync<StorageConflictException>(() => store.Store.CreateDirectoryAsync("f/sub"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task DeleteAsync_FileMissingAndDirectories_BehaveAsDocumented(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "d/x/1.txt", [1]);
        await PutAsync(store.Store, "d/2.txt", [2]);

        Assert.True(await store.Store.DeleteAsync("d/2.txt"));
        Assert.False(await store.Store.DeleteAsync("d/2.txt"));
        await Assert.ThrowsAsync<StorageConflictException>(() => store.Store.DeleteAsync("d"));
        Assert.True(await store.Store.DeleteAsync("d", recursive: true));
        Assert.Null(await store.Store.StatAsync("d"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task RenameAsync_File_MovesItAndCreatesParents(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "jobs/j/attempts/u-l1/out.txt", "x"u8.ToArray());

        await store.Store.RenameAsync("jobs/j/attempts/u-l1", "jobs/j/units/u");

        Assert.Null(await store.Store.StatAsync("jobs/j/attempts/u-l1"));
        Assert.Equal("x"u8.ToArray(), await GetAsync(store.Store, "jobs/j/units/u/out.txt"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task RenameAsync_OntoExistingFileOrDirectory_ThrowsConflictAndMovesNothing(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await PutAsync(store.Store, "src.txt", "src"u8.ToArray());
        await PutAsync(store.Store, "dst.txt", "dst"u8.ToArray());
        await store.Store.CreateDirectoryAsync("dir");

        await Assert.ThrowsAsync<StorageConflictException>(() => store.Store.RenameAsync("src.txt", "dst.txt"));
        await Assert.ThrowsAsync<StorageConflictException>(() => store.Store.RenameAsync("src.txt", "dir"));

        Assert.Equal("dst"u8.ToArray(), await GetAsync(store.Store, "dst.txt"));
        Assert.Equal("src"u8.ToArray(), await GetAsync(store.Store, "src.txt"));
        Assert.Empty(await store.Store.ListAsync("dir").ToListAsync());
    }

    [Theory, MemberData(nameof(All))]
    public async Task RenameAsync_MissingSource_ThrowsNotFound(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);

        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.Store.RenameAsync("ghost", "other"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task GetChecksumAsync_SameContent_SameChecksumDifferentContentDiffers(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        var content = Bytes(5000, 6);
        await PutAsync(store.Store, "a.bin", content);
        await PutAsync(store.Store, "b.bin", content);
        await PutAsync(store.Store, "c.bin", Bytes(5000, 7));

        var a = await store.Store.GetChecksumAsync("a.bin");
        var b = await store.Store.GetChecksumAsync("b.bin");
        var c = await store.Store.GetChecksumAsync("c.bin");

        Assert.False(string.IsNullOrEmpty(a.Algorithm));
        Assert.Equal(a, b);
        Assert.NotEqual(a.Value, c.Value);
        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.Store.GetChecksumAsync("missing.bin"));
    }

    [Theory, MemberData(nameof(All))]
    public async Task BadPaths_AreRefusedBeforeAnyRequest(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);

        await Assert.ThrowsAsync<StorageInvalidArgumentException>(() => PutAsync(store.Store, "../escape", [1]));
        await Assert.ThrowsAsync<StorageInvalidArgumentException>(() => store.Store.OpenReadAsync("a//b"));
        await Assert.ThrowsAsync<StorageInvalidArgumentException>(() => store.Store.StatAsync("a/./b"));
        await Assert.ThrowsAsync<StorageInvalidArgumentException>(() => store.Store.DeleteAsync(""));
    }

    [Theory, MemberData(nameof(All))]
    public async Task ContentAddressedStore_SameContentTwice_StoredOnceAndReadVerified(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        var sut = new ContentAddressedStore(store.Store);
        var record = """{"job":"j1","image":"boid/pi:1","units":4}"""u8.ToArray();

        var first = await sut.PutAsync(record);
        var second = await sut.PutAsync(new MemoryStream(record));

        Assert.Equal((ContentHash.ComputeSha256(record), true), (first.Sha256, first.Created));
        Assert.Equal((first.Sha256, first.Path, false), (second.Sha256, second.Path, second.Created));
        Assert.True(await sut.ExistsAsync(first.Sha256));
        Assert.Equal(record, await ReadAllAsync(await sut.OpenReadAsync(first.Sha256)));
        Assert.Single(await store.Store.ListFilesRecursiveAsync("cas").ToListAsync());
    }

    [Theory, MemberData(nameof(All))]
    public async Task ContentAddressedStore_TamperedContent_FailsIntegrityOnRead(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        var sut = new ContentAddressedStore(store.Store);
        var stored = await sut.PutAsync("honest"u8.ToArray());
        await store.Store.PutAsync(stored.Path, new MemoryStream("tampered"u8.ToArray()));

        var error = await Assert.ThrowsAsync<StorageException>(async () => await ReadAllAsync(await sut.OpenReadAsync(stored.Sha256)));

        Assert.Equal(StorageErrorKind.Integrity, error.Kind);
        await Assert.ThrowsAsync<StorageNotFoundException>(() => sut.OpenReadAsync(new string('0', 64)));
    }

    [Theory, MemberData(nameof(All))]
    public async Task DownloadToFileAsync_HashMismatch_LeavesNoFile(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        var content = Bytes(10_000, 8);
        var put = await PutAsync(store.Store, "in.bin", content);
        var target = Path.Combine(Path.GetTempPath(), "boid-download-" + Guid.NewGuid().ToString("N"), "in.bin");
        try
        {
            var ok = await store.Store.DownloadToFileAsync("in.bin", target, put.Sha256);
            Assert.Equal(content, await File.ReadAllBytesAsync(target));
            Assert.Equal(put.Sha256, ok.Sha256);
            File.Delete(target);

            var error = await Assert.ThrowsAsync<StorageException>(() => store.Store.DownloadToFileAsync("in.bin", target, new string('a', 64)));

            Assert.Equal(StorageErrorKind.Integrity, error.Kind);
            Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(target)!));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(target)!, recursive: true);
        }
    }

    [Theory, MemberData(nameof(WithUsers))]
    public async Task Writes_IntoAnotherUsersDirectory_ThrowAccessDeniedFromRemoteException(string backend)
    {
        await using var store = await fixture.CreateAsync(backend);
        await store.Store.PutAsync("owned/file.txt", new MemoryStream("mine"u8.ToArray()));
        var intruder = store.AsUser("boid-intruder");

        var put = await Assert.ThrowsAsync<StorageAccessDeniedException>(() => intruder.PutAsync("owned/other.txt", new MemoryStream([1])));
        await Assert.ThrowsAsync<StorageAccessDeniedException>(() => intruder.DeleteAsync("owned/file.txt"));
        await Assert.ThrowsAsync<StorageAccessDeniedException>(() => intruder.AppendAsync("owned/file.txt", new MemoryStream([1])));

        Assert.Equal("org.apache.hadoop.security.AccessControlException", put.RemoteExceptionClass);
        Assert.Equal("mine"u8.ToArray(), await ReadAllAsync(await intruder.OpenReadAsync("owned/file.txt")));
    }
}
