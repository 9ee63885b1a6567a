import Foundation

/// A file replaced all at once: written beside its final name under a `.partial-` name, flushed,
/// then renamed over it, so a crash leaves the old file or the new one, never half of either.
/// This type owns the `.partial-` naming, so cleanup code can tell Salon's leftovers apart.
package enum AtomicFile {
  /// The prefix of every temporary name; a file or folder starting with it is unfinished work.
  package static let partialPrefix = ".partial-"

  /// The temporary name for `path`, in the same folder (so the rename is atomic), unique to this
  /// process. The extension is kept, for writers that choose a format by it.
  package static func temporaryPath(for path: String) -> String {
    let folder = (path as NSString).deletingLastPathComponent
    let name = (path as NSString).lastPathComponent
    let prefix = folder.isEmpty ? "" : folder + "/"
    return prefix + partialPrefix + "\(getpid())-" + name
  }

  /// A temporary name in `folder` for work that has no final name yet (a folder being filled,
  /// a copy): unique to this process and this call.
  package static func temporaryPath(in folder: String, tag: String = "") -> String {
    folder + "/" + partialPrefix + "\(getpid())-" + (tag.isEmpty ? "" : tag + "-") + UUID().uuidString
  }

  /// Whether `name` (a last path component) is unfinished work: a temporary name of this type's,
  /// or a file an earlier Salon wrote as `NAME.partial-PID.EXT`.
  package static func isPartial(_ name: String) -> Bool {
    name.hasPrefix(partialPrefix) || name.contains(partialPrefix)
  }

  /// Whether the process that made the temporary `name` is gone (so what it left may be swept):
  /// false for a name that is not one, for this process and for a process still running.
  package static func writerIsGone(_ name: String) -> Bool {
    guard name.hasPrefix(partialPrefix) else { return false }
    let rest = name.dropFirst(partialPrefix.count)
    guard let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0, pid != getpid() else {
      return false
    }
    return kill(pid, 0) != 0 && errno == ESRCH
  }

  /// Writes `data` to `url` atomically; `mode` is the new file's permissions (before the umask).
  /// A private mode (no bits for the group or others, `OwnerOnly.fileMode`) is set exactly, so
  /// the file replacing an older one is the owner's alone whatever that one's mode was.
  package static func write(_ data: Data, to url: URL, mode: mode_t = 0o644) throws {
    let temporary = temporaryPath(for: url.path)
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard fd >= 0 else { throw FileProblem.sentence(errno: errno, path: url.path, writing: true) }
    if mode & OwnerOnly.othersBits == 0 { fchmod(fd, mode) }
    var failure = data.withUnsafeBytes { writeAll(fd, $0) }
    if failure == 0 && fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure == 0 { failure = commit(temporary, to: url.path) }
    if failure != 0 {
      unlink(temporary)
      throw FileProblem.sentence(errno: failure, path: url.path, writing: true)
    }
  }

  /// Renames a finished temporary file over `path`: 0, or the `errno` that stopped it (the
  /// temporary file is then left for the caller to remove).
  package static func commit(_ temporary: String, to path: String) -> Int32 {
    rename(temporary, path) == 0 ? 0 : errno
  }
}
