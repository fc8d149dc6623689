using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Boid.Eosio.Tests;

/// <summary>
/// Runs tests/Boid.Eosio.Tests/wharfkit/vectors.js with node: @wharfkit/antelope, an independent Antelope
/// implementation, answers the request. Missing node or node_modules is a test failure, never a skip.
/// </summary>
internal static class Wharfkit
{
    public const string FolderInRepo = "tests/Boid.Eosio.Tests/wharfkit";

    public static string Folder { get; } = FindFolder();

    public static JsonObject Run(JsonObject request)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "@wharfkit", "antelope")))
        {
            Assert.Fail($"@wharfkit/antelope is not installed: run `npm ci` in {FolderInRepo} ({Folder}).");
        }

        string dir = Path.Combine(Path.GetTempPath(), "boid-eosio-wharfkit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string requestPath = Path.Combine(dir, "request.json");
            string answerPath = Path.Combine(dir, "answer.json");
            File.WriteAllText(requestPath, request.ToJsonString());
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = Folder,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("vectors.js");
            start.ArgumentList.Add(requestPath);
            start.ArgumentList.Add(answerPath);
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                Assert.Fail($"`node` is not on PATH ({ex.Message}); the wharfkit cross-check needs Node.js.");
                throw;
            }

            using (process)
            {
                Task<string> stderr = process.StandardError.ReadToEndAsync();
                Task<string> stdout = process.StandardOutput.ReadToEndAsync();
                if (!process.WaitForExit(60_000))
                {
                    process.Kill(entireProcessTree: true);
                    Assert.Fail("Timed out after 60 s waiting for `node vectors.js` (wharfkit cross-check) to finish.");
                }

                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"node vectors.js exited {process.ExitCode}: {stderr.Result}{stdout.Result}");
            }

            return (JsonObject)JsonNode.Parse(File.ReadAllText(answerPath))!;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string FindFolder()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "wharfkit");
            if (File.Exists(Path.Combine(candidate, "vectors.js")) && File.Exists(Path.Combine(d.FullName, "Boid.Eosio.Tests.csproj")))
            {
                return candidate;
            }

            string fromRoot = Path.Combine(d.FullName, FolderInRepo);
            if (File.Exists(Path.Combine(fromRoot, "vectors.js")))
            {
                return fromRoot;
            }
        }

        throw new InvalidOperationException($"Cannot find {FolderInRepo}/vectors.js above {AppContext.BaseDirectory}.");
    }
}
