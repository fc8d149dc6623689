using System.ComponentModel.DataAnnotations;

namespace Boid.Worker;

/// <summary>Worker settings, bound from <c>Boid:Worker</c>.</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Boid:Worker";

    /// <summary>The contributor account this worker is credited to (an Antelope name).</summary>
    [Required, RegularExpression("^[a-z1-5.]{1,12}$", ErrorMessage = "Boid:Worker:Id must be an Antelope name: 1-12 characters of a-z, 1-5 and '.'")]
    public string Id { get; set; } = "localworker";

    /// <summary>Units run at once. Defaults to the number of cores.</summary>
    [Range(1, 1024)]
    public int Slots { get; set; } = Environment.ProcessorCount;

    /// <summary>Where attempts' scratch folders live; leftovers from a crashed run are removed at start.</summary>
    [Required]
    public string WorkDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "boid-worker");

    /// <summary>Longest wait between lease requests when the dispatcher had no work.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often running units' leases are renewed (and cancellations noticed).</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Bytes of each of stdout and stderr kept for <c>boid logs</c>.</summary>
    [Range(0, 1 << 20)]
    public int LogTailBytes { get; set; } = 16 * 1024;

    /// <summary>Where job inputs are cached by content hash; default <c>{WorkDirectory}/cache</c>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Size limit of the input cache; least recently used inputs are evicted beyond it. Default 10 GiB.</summary>
    [Range(1L, long.MaxValue)]
    public long CacheMaxBytes { get; set; } = 10L << 30;
}
