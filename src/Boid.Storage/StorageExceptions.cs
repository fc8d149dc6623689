namespace Boid.Storage;

/// <summary>The small, fixed set of storage failures callers act on.</summary>
public enum StorageErrorKind
{
    /// <summary>The file or directory does not exist.</summary>
    NotFound,

    /// <summary>The store refused the caller (permissions, authentication).</summary>
    PermissionDenied,

    /// <summary>Something is in the way: the destination exists, a directory is not empty, a parent is a file.</summary>
    Conflict,

    /// <summary>The request is malformed for this store (bad path, listing a file, unsupported operation).</summary>
    InvalidArgument,

    /// <summary>The store could not be reached or is not serving (after the retries allowed). Worth retrying later.</summary>
    Unavailable,

    /// <summary>The store answered outside its protocol (missing Location, redirect loop, unreadable reply).</summary>
    Protocol,

    /// <summary>Content did not match its expected hash.</summary>
    Integrity,
}

/// <summary>A storage failure. <see cref="Kind"/> says what happened; derived types exist for each kind.</summary>
public class StorageException : Exception
{
    public StorageException(StorageErrorKind kind, string message, Exception? innerException = null, string? remoteExceptionClass = null)
        : base(message, innerException)
    {
        Kind = kind;
        RemoteExceptionClass = remoteExceptionClass;
    }

    public StorageErrorKind Kind { get; }

    /// <summary>For WebHDFS, the Java exception class the server named in its RemoteException (e.g. <c>java.io.FileNotFoundException</c>).</summary>
    public string? RemoteExceptionClass { get; }

    /// <summary>True when trying again later may succeed.</summary>
    public bool IsTransient => Kind == StorageErrorKind.Unavailable;

    /// <summary>Makes the exception type that belongs to <paramref name="kind"/>.</summary>
    public static StorageException Create(StorageErrorKind kind, string message, Exception? innerException = null, string? remoteExceptionClass = null) => kind switch
    {
        StorageErrorKind.NotFound => new StorageNotFoundException(message, innerException, remoteExceptionClass),
        StorageErrorKind.PermissionDenied => new StorageAccessDeniedException(message, innerException, remoteExceptionClass),
        StorageErrorKind.Conflict => new StorageConflictException(message, innerException, remoteExceptionClass),
        StorageErrorKind.InvalidArgument => new StorageInvalidArgumentException(message, innerException, remoteExceptionClass),
        StorageErrorKind.Unavailable => new StorageUnavailableException(message, innerException, remoteExceptionClass),
        _ => new StorageException(kind, message, innerException, remoteExceptionClass),
    };
}

public sealed class StorageNotFoundException(string message, Exception? innerException = null, string? remoteExceptionClass = null)
    : StorageException(StorageErrorKind.NotFound, message, innerException, remoteExceptionClass);

public sealed class StorageAccessDeniedException(string message, Exception? innerException = null, string? remoteExceptionClass = null)
    : StorageException(StorageErrorKind.PermissionDenied, message, innerException, remoteExceptionClass);

public sealed class StorageConflictException(string message, Exception? innerException = null, string? remoteExceptionClass = null)
    : StorageException(StorageErrorKind.Conflict, message, innerException, remoteExceptionClass);

public sealed class StorageInvalidArgumentException(string message, Exception? innerException = null, string? remoteExceptionClass = null)
    : StorageException(StorageErrorKind.InvalidArgument, message, innerException, remoteExceptionClass);

public sealed class StorageUnavailableException(string message, Exception? innerException = null, string? remoteExceptionClass = null)
    : StorageException(StorageErrorKind.Unavailable, message, innerException, remoteExceptionClass);
