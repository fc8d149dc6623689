using System.Net.Sockets;
using Boid.Testing;

namespace Boid.Volunteer.Tests;

/// <summary>
/// A network namespace joined to the test's (root) namespace by a veth pair on a private /30 (10.213.0.4i/30:
/// root side .1, namespace side .2). The namespace has no default route (only the dispatcher's address is
/// reachable) and drops inbound TCP connection attempts, so a process in it can only connect out.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private NetworkNamespace(string name, string rootAddress, string address)
    {
        Name = name;
        RootAddress = rootAddress;
        Address = address;
    }

    public string Name { get; }

    /// <summary>The root namespace's end of the veth pair.</summary>
    public string RootAddress { get; }

    /// <summary>The address of the namespace's end.</summary>
    public string Address { get; }

    public static NetworkNamespace Create(int index, string dispatcherAddress)
    {
        var tag = $"{Environment.ProcessId % 10000}x{index}";
        var name = $"boidv{tag}";
        var (rootEnd, nsEnd) = ($"bvr{tag}", $"bvn{tag}");
        var (rootAddress, address) = ($"10.213.0.{(4 * index) + 1}", $"10.213.0.{(4 * index) + 2}");
        Run("ip", $"netns add {name}");
        var created = new NetworkNamespace(name, rootAddress, address);
        try
        {
            Run("ip", $"link add {rootEnd} type veth peer name {nsEnd}");
            Run("ip", $"link set {nsEnd} netns {name}");
            Run("ip", $"addr add {rootAddress}/30 dev {rootEnd}");
            Run("ip", $"link set {rootEnd} up");
            Run("ip", $"netns exec {name} ip link set lo up");
            Run("ip", $"netns exec {name} ip addr add {address}/30 dev {nsEnd}");
            Run("ip", $"netns exec {name} ip link set {nsEnd} up");
            if (dispatcherAddress != rootAddress)
            {
                Run("ip", $"netns exec {name} ip route add {dispatcherAddress}/32 via {rootAddress}");
            }

            // Outbound only: no connection can be opened to anything in this namespace.
            Run("ip", $"netns exec {name} iptables -A INPUT -p tcp --syn -j DROP");
        }
        catch
        {
            created.Dispose();
            throw;
        }

        return created;
    }

    /// <summary>Whether a TCP connection from the root namespace (where the dispatcher runs) to this namespace can be opened.</summary>
    public async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(Address, port, timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => Run("ip", $"netns del {Name}", check: false);

    /// <summary>Runs <c>ip</c> (or another tool) with space-separated arguments; fails, saying it needs root, unless told not to check.</summary>
    private static void Run(string file, string arguments, bool check = true)
    {
        var (code, output) = Shell.Run(file, arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (check && code != 0)
        {
            throw new InvalidOperationException($"'{file} {arguments}' failed ({code}): {output.Trim()} — network namespaces need root (CAP_NET_ADMIN/CAP_SYS_ADMIN)");
        }
    }
}
