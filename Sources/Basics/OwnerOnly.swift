import Foundation

/// The one rule for what Salon keeps private: the archive (catalog, store, cache, scratch), bags,
/// jury rooms, sheets, score exports and announcements are its owner's alone, 0600 files in 0700
/// folders, whatever the umask, as PostgreSQL insists for its data folder and OpenSSH for its
/// keys. (The catalog holds the secret that signs jurors' sheets and every artist's email; rooms
/// and bags hold unpublished works.) The public site is the one thing Salon writes for everyone.
///
/// Modes are given when a file or folder is made and then set exactly: a umask can only take
/// bits away, but Foundation's writers ask for 0666 and 0777, which a umask of 000 leaves open to
/// everyone, and a umask that took the owner's own bits would lock the owner out.
package enum OwnerOnly {
  package static let fileMode: mode_t = 0o600
  package static let folderMode: mode_t = 0o700
  /// The group's and everyone else's bits: none of them is set on anything private.
  package static let othersBits: mode_t = 0o077
  /// Linux's O_PATH (hidden behind _GNU_SOURCE, which Swift's Glibc module does not set): a
  /// descriptor that names a file without opening it for reading, so a file whose mode allows
  /// nothing can still be looked at, and with O_NOFOLLOW never a link's target.
  package static let pathOnly: Int32 = 0o10_000_000

  /// Makes the folder at `path`, and any missing folder above it, each 0700. A folder that
  /// already exists is left as it is.
  package static func makeFolder(_ path: String) throws {
    var status = stat()
    if stat(path, &status) == 0 {
      guard status.st_mode & S_IFMT == S_IFDIR else {
        throw FileError("\(path) is a file where a folder is needed.")
      }
      return
    }
    let parent = (path as NSString).deletingLastPathComponent
    if !parent.isEmpty && parent != path { try makeFolder(parent) }
    if mkdir(path, folderMode) != 0 {
      // Another process (a concurrent salon) may have made it meanwhile.
      guard errno == EEXIST else { throw FileProblem.sentence(errno: errno, path: path, writing: true) }
      return
    }
    // mkdir's mode passes through the umask: set it exactly (a folder just made, not followed).
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    if fd >= 0 {
      fchmod(fd, folderMode)
      close(fd)
    }
  }

  /// Creates the new file `path` (never one that exists), 0600, and returns its descriptor.
  package static func createFile(_ path: String) throws -> Int32 {
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fileMode)
    guard fd >= 0 else { throw FileProblem.sentence(errno: errno, path: path, writing: true) }
    fchmod(fd, fileMode)
    return fd
  }

  /// Writes `data` to `url` as a private file, replacing it all at once.
  package static func write(_ data: Data, to url: URL) throws {
    try AtomicFile.write(data, to: url, mode: fileMode)
  }

  /// Copies the regular file `source` to the new file `target` (which must not exist), 0600: a
  /// copy of its own, never a second name for the same file, whose mode would then be shared
  /// with whatever else the source is (a published file, say). File systems that can share
  /// blocks between files (Btrfs, XFS) clone instead of copying the bytes.
  package static func copyFile(_ source: String, to target: String) throws {
    let input = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard input >= 0 else { throw FileProblem.sentence(errno: errno, path: source, writing: false) }
    defer { close(input) }
    let output = try createFile(target)
    var failure = copyContents(from: input, to: output)
    if close(output) != 0 && failure == 0 { failure = errno }
    if failure != 0 {
      unlink(target)
      throw FileProblem.sentence(errno: failure, path: target, writing: true)
    }
  }

  /// Takes the group's and others' bits away from `path` itself (a link is never followed):
  /// true when it had any. Nothing is ever added, so a folder made read-only stays read-only.
  @discardableResult
  package static func tighten(_ path: String) -> Bool {
    let fd = open(path, pathOnly | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return tighten(descriptor: fd)
  }

  /// Tightens `path` and, when it is a folder, everything in it, without following links; a file
  /// that also has a name elsewhere (a hard link, perhaps to a published copy) is replaced by a
  /// private copy instead, so the other name keeps its mode. Returns how many paths changed.
  @discardableResult
  package static func tightenTree(_ path: String) -> Int {
    let fd = open(path, pathOnly | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var changed = tighten(descriptor: fd) ? 1 : 0
    var status = stat()
    guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { return changed }
    let folder = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard folder >= 0 else { return changed }
    changed += tightenContents(of: folder)
    close(folder)
    return changed
  }

  /// Whether `path` (not followed if a link) gives the group or others any access.
  package static func isOpenToOthers(_ path: String) -> Bool {
    var status = stat()
    guard lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFLNK else { return false }
    return status.st_mode & othersBits != 0
  }

  // MARK: Private

  private static func tightenContents(of folder: Int32) -> Int {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd/\(folder)") else {
      return 0
    }
    var changed = 0
    for name in names {
      let fd = openat(folder, name, pathOnly | O_NOFOLLOW | O_CLOEXEC)
      guard fd >= 0 else { continue }
      defer { close(fd) }
      var status = stat()
      guard fstat(fd, &status) == 0 else { continue }
      switch status.st_mode & S_IFMT {
      case S_IFDIR:
        if tighten(descriptor: fd) { changed += 1 }
        let child = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard child >= 0 else { continue }
        changed += tightenContents(of: child)
        close(child)
      case S_IFREG where status.st_nlink > 1 && status.st_mode & othersBits != 0:
        if replaceWithPrivateCopy(name, in: folder, mode: status.st_mode & 0o700) { changed += 1 }
      default:
        if tighten(descriptor: fd) { changed += 1 }
      }
    }
    return changed
  }

  /// Removes the group and other bits of an open file or folder (an `O_PATH` descriptor works:
  /// its `/proc/self/fd` entry is the file itself, never a link to follow).
  private static func tighten(descriptor fd: Int32) -> Bool {
    var status = stat()
    guard fstat(fd, &status) == 0, status.st_mode & S_IFMT != S_IFLNK, status.st_mode & othersBits != 0
    else { return false }
    return chmod("/proc/self/fd/\(fd)", status.st_mode & 0o7777 & ~othersBits) == 0
  }

  /// Replaces the hard-linked file `name` in `folder` by a copy of its own with `mode`, renamed
  /// over it, so only this name changes.
  private static func replaceWithPrivateCopy(_ name: String, in folder: Int32, mode: mode_t) -> Bool {
    let input = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard input >= 0 else { return false }
    defer { close(input) }
    let temporary = AtomicFile.partialPrefix + "\(getpid())-" + name
    unlinkat(folder, temporary, 0)
    let output = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
    guard output >= 0 else { return false }
    fchmod(output, mode)
    var failure = copyContents(from: input, to: output)
    if failure == 0 && fsync(output) != 0 { failure = errno }
    close(output)
    if failure == 0 && renameat(folder, temporary, folder, name) == 0 { return true }
    unlinkat(folder, temporary, 0)
    return false
  }

  /// Linux's FICLONE: the target shares the source's blocks, copy-on-write.
  private static let cloneRequest: UInt = 0x4004_9409

  /// Copies every byte of `input` to `output`: 0, or the `errno` that stopped it.
  private static func copyContents(from input: Int32, to output: Int32) -> Int32 {
    if ioctl(output, cloneRequest, input) == 0 { return 0 }
    let size = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      let n = read(input, buffer.baseAddress, size)
      if n < 0 {
        if errno == EINTR { continue }
        return errno
      }
      if n == 0 { return 0 }
      let failure = writeAll(output, UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
      if failure != 0 { return failure }
    }
  }
}
