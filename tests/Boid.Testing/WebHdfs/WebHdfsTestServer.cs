// WEBHDFS TEST SERVER — a test fixture, NOT HDFS.
//
// A small server on 127.0.0.1 (Kestrel) that follows the Apache WebHDFS REST specification
// (hadoop-hdfs/src/site/markdown/WebHDFS.md) closely enough to test a client against it:
//   * two endpoints, a "namenode" and a separate "datanode" port;
//   * CREATE and APPEND are two-step: the namenode answers 307 with a Location on the datanode and
//     must not receive the data (any body bytes sent to it are counted in NamenodeBodyBytes and refused);
//     OPEN and GETFILECHECKSUM redirect the same way; the datanode streams to and from real files on disk;
//   * GETFILESTATUS, LISTSTATUS, LISTSTATUS_BATCH (startAfter, remainingEntries, BatchSize entries per page),
//     MKDIRS, DELETE, RENAME (the old boolean semantics) with the documented JSON shapes;
//   * errors as {"RemoteException":{"exception","javaClassName","message"}} with HDFS's status mapping
//     (FileNotFoundException 404, IOExceptions such as AccessControlException 403, IllegalArgumentException 400);
//   * user.name or delegation-token authentication and a minimal permission model: directories are
//     rwxr-xr-x and files rw-r--r-- of the user who made them, "/" is writable by everyone.
// What it does not do: blocks, replication, leases, quotas, ACLs, Kerberos. Intercept lets a test inject faults.
using System.Collections.Concurrent;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Boid.Testing.WebHdfs;

public sealed record ServedRequest(string Endpoint, string Method, string Op, string Path, string User, long BodyBytes);

public sealed class WebHdfsTestServer : IAsyncDisposable
{
    public const string Superuser = "hdfs";
    private const string Prefix = "/webhdfs/v1";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.Ordinal);
    private readonly Lock _namespace = new();
    private int _namenodePort;
    private long _namenodeBodyBytes;

    private WebHdfsTestServer(WebApplication app, string dataDirectory)
    {
        _app = app;
        DataDirectory = dataDirectory;
    }

    public Uri NamenodeUri { get; private set; } = null!;

    public Uri DatanodeUri { get; private set; } = null!;

    /// <summary>Where the "datanode" keeps file contents: one real file per HDFS file.</summary>
    public string DataDirectory { get; }

    /// <summary>Entries per LISTSTATUS_BATCH page (HDFS: dfs.ls.limit, 1000 by default).</summary>
    public int BatchSize { get; set; } = 4;

    /// <summary>False makes LISTSTATUS_BATCH unknown, as on Hadoop before 2.8.</summary>
    public bool SupportsListStatusBatch { get; set; } = true;

    /// <summary>Delegation token → user.</summary>
    public ConcurrentDictionary<string, string> DelegationTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>A test's hook: answer the request itself (return true) to inject a fault.</summary>
    public Func<HttpContext, ServedRequest, Task<bool>>? Intercept { get; set; }

    public ConcurrentQueue<ServedRequest> Requests { get; } = new();

    /// <summary>Body bytes the namenode endpoint received on CREATE/APPEND: always 0 for a correct client.</summary>
    public long NamenodeBodyBytes => Interlocked.Read(ref _namenodeBodyBytes);

    public static async Task<WebHdfsTestServer> StartAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), "boid-webhdfs-fixture-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(data, "fs"));
        Directory.CreateDirectory(Path.Combine(data, "staging"));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new WebHdfsTestServer(app, data);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a).Port).ToList();
        server._namenodePort = ports[0];
        server.NamenodeUri = new Uri($"http://127.0.0.1:{ports[0]}/");
        server.DatanodeUri = new Uri($"http://127.0.0.1:{ports[1]}/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    public IEnumerable<ServedRequest> RequestsFor(string op) => Requests.Where(r => r.Op == op);

    public static Task WriteRemoteExceptionAsync(HttpContext context, int status, string exception, string javaClassName, string message) =>
        WriteJsonAsync(context, status, new { RemoteException = new { exception, javaClassName, message } });

    private static async Task WriteJsonAsync(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, body);
    }

    private string Local(string hdfsPath) => Path.Combine(DataDirectory, "fs", hdfsPath.TrimStart('/'));

    private async Task HandleAsync(HttpContext context)
    {
        var isNamenode = context.Connection.LocalPort == _namenodePort;
        var requestPath = Uri.UnescapeDataString(context.Request.Path.Value ?? "");
        var op = (context.Request.Query["op"].ToString() ?? "").ToUpperInvariant();
        if (!requestPath.StartsWith(Prefix, StringComparison.Ordinal))
        {
            await WriteRemoteExceptionAsync(context, 404, "FileNotFoundException", "java.io.FileNotFoundException", "no WebHDFS resource here");
            return;
        }

        var path = "/" + requestPath[Prefix.Length..].Trim('/');
        var user = Authenticate(context);
        if (user is null)
        {
            await WriteRemoteExceptionAsync(context, 403, "InvalidToken", "org.apache.hadoop.security.token.SecretManager$InvalidToken", "token is not known to this server");
            return;
        }

        var bodyBytes = 0L;
        if (isNamenode && op is "CREATE" or "APPEND")
        {
            // The two-step write exists so that no data goes to the namenode: count anything that does.
            var buffer = new byte[8192];
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                bodyBytes += read;
            }

            Interlocked.Add(ref _namenodeBodyBytes, bodyBytes);
        }

        var served = new ServedRequest(isNamenode ? "namenode" : "datanode", context.Request.Method, op, path, user, bodyBytes);
        Requests.Enqueue(served);
        if (Intercept is { } intercept && await intercept(context, served))
        {
            return;
        }

        if (bodyBytes > 0)
        {
            await WriteRemoteExceptionAsync(context, 400, "IllegalArgumentException", "java.lang.IllegalArgumentException", $"{op} sent {bodyBytes} bytes of data to the namenode");
            return;
        }

        try
        {
            await (isNamenode ? NamenodeAsync(context, op, path, user) : DatanodeAsync(context, op, path, user));
        }
        catch (FixtureError e)
        {
            await WriteRemoteExceptionAsync(context, e.Status, e.JavaClass[(e.JavaClass.LastIndexOf('.') + 1)..], e.JavaClass, e.Message);
        }
    }

    private string? Authenticate(HttpContext context)
    {
        var token = context.Request.Query["delegation"].ToString();
        if (token.Length > 0)
        {
            return DelegationTokens.TryGetValue(token, out var owner) ? owner : null;
        }

        var user = context.Request.Query["user.name"].ToString();
        return user.Length > 0 ? user : "dr.who";
    }

    private async Task NamenodeAsync(HttpContext context, string op, string path, string user)
    {
        var method = context.Request.Method;
        switch ((method, op))
        {
            case ("GET", "GETFILESTATUS"):
                await WriteJsonAsync(context, 200, new { FileStatus = Status(path, "") });
                return;
            case ("GET", "LISTSTATUS"):
                await WriteJsonAsync(context, 200, new { FileStatuses = new { FileStatus = Children(path).ToList() } });
                return;
            case ("GET", "LISTSTATUS_BATCH") when SupportsListStatusBatch:
            {
                var startAfter = context.Request.Query["startAfter"].ToString();
                var all = Children(path).Where(s => startAfter.Length == 0 || string.CompareOrdinal((string)s["pathSuffix"], startAfter) > 0).ToList();
                var page = all.Take(BatchSize).ToList();
                await WriteJsonAsync(context, 200, new
                {
                    DirectoryListing = new { partialListing = new { FileStatuses = new { FileStatus = page } }, remainingEntries = all.Count - page.Count },
                });
                return;
            }

            case ("GET", "OPEN" or "GETFILECHECKSUM"):
                RequireFile(path);
                Redirect(context, path);
                return;
            case ("PUT", "CREATE"):
            {
                lock (_namespace)
                {
                    CheckParentsAreDirectories(path);
                    if (Directory.Exists(Local(path)))
                    {
                        throw new FixtureError(403, "org.apache.hadoop.fs.FileAlreadyExistsException", $"{path} already exists as a directory");
                    }

                    if (File.Exists(Local(path)) && context.Request.Query["overwrite"] != "true")
                    {
                        throw new FixtureError(403, "org.apache.hadoop.fs.FileAlreadyExistsException", $"{path} for client 127.0.0.1 already exists");
                    }

                    CheckWrite(NearestExisting(path), user, path);
                }

                Redirect(context, path);
                return;
            }

            case ("POST", "APPEND"):
                lock (_namespace)
                {
                    RequireFile(path);
                    CheckWrite(path, user, path);
                }

                Redirect(context, path);
                return;
            case ("PUT", "MKDIRS"):
                lock (_namespace)
                {
                    CheckParentsAreDirectories(path);
                    if (File.Exists(Local(path)))
                    {
                        throw new FixtureError(403, "org.apache.hadoop.fs.FileAlreadyExistsException", $"Path is not a directory: {path}");
                    }

                    if (!Directory.Exists(Local(path)))
                    {
                        CheckWrite(NearestExisting(path), user, path);
                        MakeDirectories(path, user);
                    }
                }

                await WriteJsonAsync(context, 200, new { boolean = true });
                return;
            case ("DELETE", "DELETE"):
            {
                bool deleted;
                lock (_namespace)
                {
                    deleted = Delete(path, user, context.Request.Query["recursive"] == "true");
                }

                await WriteJsonAsync(context, 200, new { boolean = deleted });
                return;
            }

            case ("PUT", "RENAME"):
            {
                bool renamed;
                lock (_namespace)
                {
                    renamed = Rename(path, "/" + context.Request.Query["destination"].ToString().Trim('/'), user);
                }

                await WriteJsonAsync(context, 200, new { boolean = renamed });
                return;
            }

            default:
                throw new FixtureError(400, "java.lang.IllegalArgumentException",
                    $"Invalid value for webhdfs parameter \"op\": No enum constant org.apache.hadoop.hdfs.web.resources.{(method == "GET" ? "Get" : method == "PUT" ? "Put" : method == "POST" ? "Post" : "Delete")}OpParam.Op.{op}");
        }
    }

    private async Task DatanodeAsync(HttpContext context, string op, string path, string user)
    {
        switch ((context.Request.Method, op))
        {
            case ("PUT", "CREATE"):
            {
                var staging = Path.Combine(DataDirectory, "staging", Guid.NewGuid().ToString("N"));
                try
                {
                    await using (var output = new FileStream(staging, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
                    {
                        await context.Request.Body.CopyToAsync(output, 81920);
                    }

                    lock (_namespace)
                    {
                        CheckParentsAreDirectories(path);
                        if (File.Exists(Local(path)) && context.Request.Query["overwrite"] != "true")
                        {
                            throw new FixtureError(403, "org.apache.hadoop.fs.FileAlreadyExistsException", $"{path} for client 127.0.0.1 already exists");
                        }

                        CheckWrite(NearestExisting(path), user, path);
                        MakeDirectories(Parent(path), user);
                        File.Move(staging, Local(path), overwrite: true);
                        _owners[path] = user;
                    }
                }
                finally
                {
                    File.Delete(staging);
                }

                context.Response.StatusCode = 201;
                context.Response.Headers.Location = $"webhdfs://{NamenodeUri.Authority}{path}";
                context.Response.ContentLength = 0;
                return;
            }

            case ("POST", "APPEND"):
            {
                RequireFile(path);
                await using (var output = new FileStream(Local(path), FileMode.Append, FileAccess.Write, FileShare.Read, 81920, useAsync: true))
                {
                    await context.Request.Body.CopyToAsync(output, 81920);
                }

                context.Response.StatusCode = 200;
                context.Response.ContentLength = 0;
                return;
            }

            case ("GET", "OPEN"):
            {
                RequireFile(path);
                await using var input = new FileStream(Local(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true);
                var offset = long.TryParse(context.Request.Query["offset"], out var o) ? o : 0;
                if (offset > input.Length)
                {
                    throw new FixtureError(403, "java.io.IOException", $"Offset={offset} out of the range [0, {input.Length}); OPEN, path={path}");
                }

                var length = long.TryParse(context.Request.Query["length"], out var l) ? Math.Min(l, input.Length - offset) : input.Length - offset;
                input.Seek(offset, SeekOrigin.Begin);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/octet-stream";
                context.Response.ContentLength = length;
                var buffer = new byte[81920];
                while (length > 0)
                {
                    var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)));
                    if (read == 0)
                    {
                        break;
                    }

                    await context.Response.Body.WriteAsync(buffer.AsMemory(0, read));
                    length -= read;
                }

                return;
            }

            case ("GET", "GETFILECHECKSUM"):
                RequireFile(path);
                await WriteJsonAsync(context, 200, new { FileChecksum = await ChecksumAsync(Local(path)) });
                return;
            default:
                throw new FixtureError(400, "java.lang.IllegalArgumentException", $"Invalid operation {op} for the datanode");
        }
    }

    /// <summary>HDFS' MD5-of-MD5-of-CRC32C shape over 512-byte chunks, as if the whole file were one block.</summary>
    private static async Task<object> ChecksumAsync(string file)
    {
        await using var input = File.OpenRead(file);
        using var crcs = new MemoryStream();
        var chunk = new byte[512];
        int read;
        while ((read = await input.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false)) > 0)
        {
            var crc = uint.MaxValue;
            foreach (var b in chunk.AsSpan(0, read))
            {
                crc = BitOperations.Crc32C(crc, b);
            }

            crc = ~crc;
            crcs.Write([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
        }

        var md5 = MD5.HashData(MD5.HashData(crcs.ToArray()));
        var bytes = new byte[28];
        bytes[3] = 0x02; // bytesPerCRC = 512, big-endian int
        md5.CopyTo(bytes, 12); // crcPerBlock (long) stays 0
        return new { algorithm = "MD5-of-0MD5-of-512CRC32C", bytes = Convert.ToHexStringLower(bytes), length = 28 };
    }

    private void Redirect(HttpContext context, string path)
    {
        var query = context.Request.QueryString.Value ?? "";
        context.Response.StatusCode = 307;
        context.Response.Headers.Location = $"{DatanodeUri.GetLeftPart(UriPartial.Authority)}{Prefix}{EscapePath(path)}{query}&namenoderpcaddress=127.0.0.1:8020";
        context.Response.ContentLength = 0;
    }

    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    private Dictionary<string, object> Status(string path, string suffix)
    {
        var local = Local(path);
        if (File.Exists(local))
        {
            var file = new FileInfo(local);
            return Entry(path, suffix, "FILE", file.Length, file.LastWriteTimeUtc, "644");
        }

        if (Directory.Exists(local))
        {
            return Entry(path, suffix, "DIRECTORY", 0, Directory.GetLastWriteTimeUtc(local), path == "/" ? "777" : "755");
        }

        throw new FixtureError(404, "java.io.FileNotFoundException", $"File does not exist: {path}");
    }

    private Dictionary<string, object> Entry(string path, string suffix, string type, long length, DateTime modified, string permission) => new()
    {
        ["accessTime"] = 0L,
        ["blockSize"] = type == "FILE" ? 134217728L : 0L,
        ["childrenNum"] = type == "FILE" ? 0 : Directory.EnumerateFileSystemEntries(Local(path)).Count(),
        ["fileId"] = 16386L + (path.GetHashCode() & 0xffff),
        ["group"] = "supergroup",
        ["length"] = length,
        ["modificationTime"] = new DateTimeOffset(modified).ToUnixTimeMilliseconds(),
        ["owner"] = Owner(path),
        ["pathSuffix"] = suffix,
        ["permission"] = permission,
        ["replication"] = type == "FILE" ? 1 : 0,
        ["storagePolicy"] = 0,
        ["type"] = type,
    };

    private IEnumerable<Dictionary<string, object>> Children(string path)
    {
        var local = Local(path);
        if (File.Exists(local))
        {
            return [Status(path, "")];
        }

        if (!Directory.Exists(local))
        {
            throw new FixtureError(404, "java.io.FileNotFoundException", $"File {path} does not exist.");
        }

        return new DirectoryInfo(local).EnumerateFileSystemInfos().Select(e => e.Name).Order(StringComparer.Ordinal)
            .Select(name => Status(Combine(path, name), name)).ToList();
    }

    private string Owner(string path) => path == "/" ? Superuser : _owners.GetValueOrDefault(path, Superuser);

    private void CheckWrite(string directoryOrFile, string user, string target)
    {
        if (directoryOrFile == "/" || user == Superuser || Owner(directoryOrFile) == user)
        {
            return;
        }

        var isDirectory = Directory.Exists(Local(directoryOrFile));
        throw new FixtureError(403, "org.apache.hadoop.security.AccessControlException",
            $"Permission denied: user={user}, access=WRITE, inode=\"{directoryOrFile}\":{Owner(directoryOrFile)}:supergroup:{(isDirectory ? "drwxr-xr-x" : "-rw-r--r--")} (while writing {target})");
    }

    private void CheckParentsAreDirectories(string path)
    {
        for (var parent = Parent(path); parent != "/"; parent = Parent(parent))
        {
            if (File.Exists(Local(parent)))
            {
                throw new FixtureError(403, "org.apache.hadoop.fs.ParentNotDirectoryException", $"{parent} (is not a directory)");
            }
        }
    }

    private void RequireFile(string path)
    {
        if (!File.Exists(Local(path)))
        {
            throw new FixtureError(404, "java.io.FileNotFoundException", Directory.Exists(Local(path)) ? $"Path is not a file: {path}" : $"File does not exist: {path}");
        }
    }

    private string NearestExisting(string path)
    {
        var current = Parent(path);
        while (current != "/" && !Directory.Exists(Local(current)))
        {
            current = Parent(current);
        }

        return current;
    }

    private void MakeDirectories(string path, string user)
    {
        if (path == "/")
        {
            return;
        }

        MakeDirectories(Parent(path), user);
        if (!Directory.Exists(Local(path)))
        {
            Directory.CreateDirectory(Local(path));
            _owners[path] = user;
        }
    }

    private bool Delete(string path, string user, bool recursive)
    {
        var local = Local(path);
        var isFile = File.Exists(local);
        if (!isFile && !Directory.Exists(local))
        {
            return false;
        }

        CheckWrite(Parent(path), user, path);
        if (isFile)
        {
            File.Delete(local);
        }
        else
        {
            if (!recursive && Directory.EnumerateFileSystemEntries(local).Any())
            {
                throw new FixtureError(403, "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException", $"`{path} is non empty': Directory is not empty");
            }

            Directory.Delete(local, recursive: true);
        }

        foreach (var key in _owners.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)))
        {
            _owners.TryRemove(key, out _);
        }

        return true;
    }

    private bool Rename(string source, string destination, string user)
    {
        var from = Local(source);
        var isFile = File.Exists(from);
        if (!isFile && !Directory.Exists(from))
        {
            return false;
        }

        if (Directory.Exists(Local(destination)))
        {
            destination = Combine(destination, Name(source)); // HDFS moves into an existing directory
        }

        if (File.Exists(Local(destination)) || Directory.Exists(Local(destination)) || !Directory.Exists(Local(Parent(destination)))
            || destination.StartsWith(source + "/", StringComparison.Ordinal))
        {
            return false;
        }

        CheckWrite(Parent(source), user, source);
        CheckWrite(Parent(destination), user, destination);
        if (isFile)
        {
            File.Move(from, Local(destination));
        }
        else
        {
            Directory.Move(from, Local(destination));
        }

        foreach (var key in _owners.Keys.Where(k => k == source || k.StartsWith(source + "/", StringComparison.Ordinal)).ToList())
        {
            if (_owners.TryRemove(key, out var owner))
            {
                _owners[destination + key[source.Length..]] = owner;
            }
        }

        return true;
    }

    private static string Parent(string path)
    {
        var index = path.LastIndexOf('/');
        return index <= 0 ? "/" : path[..index];
    }

    private static string Name(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static string Combine(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    private sealed class FixtureError(int status, string javaClass, string message) : Exception(message)
    {
        public int Status { get; } = status;

        public string JavaClass { get; } = javaClass;
    }
}
