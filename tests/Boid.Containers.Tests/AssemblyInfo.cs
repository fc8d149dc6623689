using System.Runtime.Versioning;

// These tests run real containers, mount tmpfs and create device files: Linux only, as root.
[assembly: SupportedOSPlatform("linux")]
