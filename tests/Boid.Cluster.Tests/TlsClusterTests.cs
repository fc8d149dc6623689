using System.Diagnostics;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Boid.Client;
using Boid.Testing;
using Boid.Testing.Processes;
using Boid.Testing.Specs;
using Xunit.Abstractions;

namespace Boid.Cluster.Tests;

/// <summary>
/// The TLS path of docs/deploy.md, as an operator takes it: certificates from deploy/issue-certs.sh, silos with
/// --tls-cert/--tls-key/--tls-ca, the API over HTTPS. A job runs through it; silos that lack the cluster's
/// certificate (none at all, or one from another CA) must not become members, and plain HTTP to the API fails.
/// </summary>
public sealed class TlsClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TlsCluster_JobOverHttps_SilosWithoutClusterCertificateCannotJoin()
    {
        DockerHost.RequireImages(Spec.PiImage);
        await using var cluster = await TestCluster.CreateAsync(nameof(TlsCluster_JobOverHttps_SilosWithoutClusterCertificateCannotJoin));
        var pki = IssueCertificates(cluster.Work, "pki");
        var foreign = IssueCertificates(cluster.Work, "foreign-pki"); // same host name, another CA
        cluster.Tls = TlsArguments(pki);
        cluster.StartDispatcher("dispatcher", leaseTtlSeconds: 10);
        await cluster.WaitForActiveSilosAsync(1, TimeSpan.FromSeconds(90));
        var workerId = Accounts.New("tlsw");
        cluster.StartWorker("worker", workerId);
        await cluster.WaitForActiveSilosAsync(2, TimeSpan.FromSeconds(90));

        // Would-be members: one speaks plain TCP, one presents a certificate of another CA. A joining silo retries
        // its connectivity check for MaxJoinAttemptTime (5 min by default); 20 s is enough to tell.
        var joinQuickly = new Dictionary<string, string> { ["Boid__Membership__MaxJoinAttemptTime"] = "00:00:20" };
        var plain = cluster.StartWorker("intruder-plain", Accounts.New("tlsp"), tls: [], environment: joinQuickly);
        var impostor = cluster.StartWorker("intruder-foreign-ca", Accounts.New("tlsf"), tls: TlsArguments(foreign), environment: joinQuickly);
        var watch = WatchNeverActiveAsync(cluster, [plain, impostor], TimeSpan.FromMinutes(3));

        // The API answers HTTPS with a certificate that chains to the cluster CA and names 127.0.0.1 …
        using var https = new HttpClient(TrustingOnly(Path.Combine(pki, "ca.crt"))) { BaseAddress = cluster.ApiUrl("dispatcher") };
        Assert.Equal("https", https.BaseAddress!.Scheme);
        using var api = new BoidClient(https);
        await api.AddProtocolAsync(await File.ReadAllTextAsync(Repository.Example("montecarlo-pi", "protocol.yaml")));
        // … and nothing in plain HTTP on the same port.
        using (var plainHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var insecure = new UriBuilder(cluster.ApiUrl("dispatcher")) { Scheme = "http" }.Uri;
            await Assert.ThrowsAsync<HttpRequestException>(() => plainHttp.GetAsync(new Uri(insecure, "api/v1/protocols")));
        }

        const int Units = 8;
        var job = await api.SubmitJobAsync(MultiProcessClusterTests.PiSpec(Units, 200_000));
        var view = await api.WaitUntilFinishedAsync(job.Id, TimeSpan.FromMinutes(4), cluster.Logs);
        MultiProcessClusterTests.AssertDone(view, Units, cluster);
        await using (var stream = await api.OpenResultFileAsync(job.Id, "result.json"))
        using (var reader = new StreamReader(stream))
        {
            Assert.Contains($"\"units\": {Units}", await reader.ReadToEndAsync(), StringComparison.Ordinal);
        }

        // Every unit ran on the certified worker: the others never got any.
        foreach (var key in Enumerable.Range(0, Units).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            var unit = await api.GetUnitAsync(job.Id, key);
            Assert.All(unit.Attempts, a => Assert.Equal(workerId, a.Worker));
        }

        await watch;
        foreach (var intruder in new[] { plain, impostor })
        {
            output.WriteLine($"{intruder.Name}: {intruder.Output.Split('\n').FirstOrDefault(l => l.Contains("Exception", StringComparison.Ordinal))?.Trim()}");
        }

        Assert.Equal(2, await cluster.Database.ScalarAsync("SELECT count(*) FROM orleans_membership WHERE status = 3"));
    }

    /// <summary>
    /// Polls the membership table until every process has exited (its join failed) and fails if any of them was
    /// ever Active (status 3) or is still running at the timeout.
    /// </summary>
    private static async Task WatchNeverActiveAsync(TestCluster cluster, BoidProcess[] intruders, TimeSpan timeout)
    {
        var ports = intruders.ToDictionary(p => cluster.SiloPort(p.Name), p => p);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            foreach (var (port, process) in ports)
            {
                var active = await cluster.Database.ScalarAsync($"SELECT count(*) FROM orleans_membership WHERE port = {port} AND status = 3");
                Assert.True(active == 0, $"{process.Name} became an active member without the cluster's certificate:\n{process.Output}");
            }

            if (intruders.All(p => p.HasExited))
            {
                foreach (var process in intruders)
                {
                    var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(5));
                    Assert.True(code != 0, $"{process.Name} exited {code}, as if it had started:\n{process.Output}");
                }

                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"waited {timeout.TotalSeconds:0} s for silos without the cluster certificate to give up joining:\n{cluster.Logs()}");
    }

    /// <summary>Runs deploy/issue-certs.sh as docs/deploy.md says: one CA, one certificate for the host (127.0.0.1).</summary>
    private static string IssueCertificates(DirectoryInfo work, string name)
    {
        var directory = Path.Combine(work.FullName, name);
        var (code, output) = Shell.Run("bash", Path.Combine(Repository.Root, "deploy", "issue-certs.sh"), directory, "127.0.0.1");
        Assert.True(code == 0, $"issue-certs.sh exited {code}: {output}");
        Assert.True(File.Exists(Path.Combine(directory, "127.0.0.1", "silo.key")), output);
        return directory;
    }

    private static string[] TlsArguments(string pki) =>
    [
        "--tls-cert", Path.Combine(pki, "127.0.0.1", "silo.crt"),
        "--tls-key", Path.Combine(pki, "127.0.0.1", "silo.key"),
        "--tls-ca", Path.Combine(pki, "ca.crt"),
    ];

    /// <summary>An HTTP handler that trusts only the cluster CA and still checks the name (the certificate names 127.0.0.1).</summary>
    private static HttpClientHandler TrustingOnly(string caFile)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
    }
}
