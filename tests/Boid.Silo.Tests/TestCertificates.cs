using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Boid.Silo.Tests;

/// <summary>A self-signed certificate and its key as PEM files, for a host that loads TLS material while it is built.</summary>
internal static class TestCertificates
{
    public static (string Certificate, string Key) Write(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var (certificatePath, keyPath) = (Path.Combine(directory, "silo.crt"), Path.Combine(directory, "silo.key"));
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }
}
