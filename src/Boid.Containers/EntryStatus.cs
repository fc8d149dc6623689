namespace Boid.Containers;

/// <summary>What lstat tells about one directory entry.</summary>
internal readonly record struct EntryStatus(int Mode, uint Links, long Size)
{
    public int FileType => Mode & Native.FileTypeMask;
}
