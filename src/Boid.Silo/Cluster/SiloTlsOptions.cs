namespace Boid.Silo.Cluster;

/// <summary>
/// TLS between silos and HTTPS on the API, bound from <c>Boid:Tls</c> (flags <c>--tls-cert</c>, <c>--tls-key</c>,
/// <c>--tls-ca</c>). Off while <see cref="CertificateFile"/> is unset.
/// </summary>
public sealed class SiloTlsOptions
{
    public const string SectionName = "Boid:Tls";

    /// <summary>The silo's certificate: PEM (with <see cref="KeyFile"/>) or PKCS#12 (with <see cref="Password"/>).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>The cluster's CA certificate (PEM): peers must present a certificate it signed. Unset: the system trust store decides.</summary>
    public string? CaFile { get; set; }

    /// <summary>The password of a PKCS#12 <see cref="CertificateFile"/> (environment <c>Boid__Tls__Password</c>). A secret: never logged.</summary>
    public string? Password { get; set; }

    public override string ToString() => $"SiloTlsOptions {{ CertificateFile = {CertificateFile}, KeyFile = {KeyFile}, CaFile = {CaFile}, Password = {(Password is null ? "none" : "[redacted]")} }}";
}
