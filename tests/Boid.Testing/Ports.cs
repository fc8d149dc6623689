using System.Net;
using System.Net.Sockets;

namespace Boid.Testing;

/// <summary>TCP ports for the servers a test starts.</summary>
public static class Ports
{
    /// <summary>
    /// A port nothing listens on now (the kernel's pick for an ephemeral listener, released at once). Another process
    /// could take it before the test binds it; the kernel hands ports out in turn, so that is rare.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
