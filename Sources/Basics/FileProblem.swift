import Foundation

/// A file-system failure as the one sentence an organiser reads: what went wrong with which
/// path and what to do about it. Every stage throws it for files; none of them dumps `errno`.
package struct FileError: Error, Equatable, CustomStringConvertible {
  package let description: String
  package init(_ description: String) { self.description = description }
}

/// Writes every byte to `fd`, going on after a signal interrupts: 0, or the `errno` that stopped it.
package func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
  var offset = 0
  while offset < bytes.count {
    let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
    if n < 0 {
      if errno == EINTR { continue }
      return errno
    }
    guard n > 0 else { return EIO }
    offset += n
  }
  return 0
}

/// File-system failures as one sentence an organiser can act on.
package enum FileProblem {
  /// The sentence for `errno` while reading or writing `path`.
  package static func sentence(errno code: Int32, path: String, writing: Bool) -> FileError {
    let verb = writing ? "write" : "read"
    switch code {
    case ENOSPC, EDQUOT:
      return FileError("The disk is full; Salon could not write \(path). Free some space and run the command again.")
    case EACCES, EPERM:
      return FileError("Salon is not allowed to \(verb) \(path); check its permissions.")
    case EROFS:
      return FileError("\(path) is on a read-only disk; Salon cannot write there.")
    case ENOTDIR:
      return FileError("Part of \(path) is a file where a folder is needed.")
    case EISDIR:
      return FileError("\(path) is a folder where a file is needed.")
    case EEXIST:
      return FileError("\(path) already exists and Salon will not overwrite it.")
    case ENOENT:
      return FileError("\(path) does not exist, or the folder it belongs in does not.")
    case ELOOP:
      return FileError("\(path) is a symbolic link; Salon does not follow links when it writes.")
    case EIO:
      return FileError("The disk reported an error while Salon used \(path); check the disk.")
    default:
      return FileError("Salon could not \(verb) \(path) (\(String(cString: strerror(code))).")
    }
  }

  /// A Foundation or POSIX error while using `path`, as one sentence; nil when it is neither.
  package static func sentence(for error: Error, path: String, writing: Bool) -> FileError? {
    let nsError = error as NSError
    if nsError.domain == NSPOSIXErrorDomain {
      return sentence(errno: Int32(nsError.code), path: path, writing: writing)
    }
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
      return sentence(errno: Int32(underlying.code), path: path, writing: writing)
    }
    guard nsError.domain == NSCocoaErrorDomain else { return nil }
    switch CocoaError.Code(rawValue: nsError.code) {
    case .fileWriteOutOfSpace: return sentence(errno: ENOSPC, path: path, writing: true)
    case .fileWriteNoPermission, .fileReadNoPermission: return sentence(errno: EACCES, path: path, writing: writing)
    case .fileWriteVolumeReadOnly: return sentence(errno: EROFS, path: path, writing: true)
    case .fileWriteFileExists: return sentence(errno: EEXIST, path: path, writing: true)
    case .fileNoSuchFile, .fileReadNoSuchFile: return sentence(errno: ENOENT, path: path, writing: writing)
    default: return FileError("Salon could not \(writing ? "write" : "read") \(path).")
    }
  }
}
