import Basics
import Catalog
import Foundation

/// The export folder, held open: every write and delete goes through its descriptor, one path
/// component at a time and never through a symbolic link, so nothing planted in the folder (a
/// link, a tampered manifest) can make Salon write or delete outside it.
package final class SiteFolder {
  let url: URL
  private let descriptor: Int32
  /// The modes of files and folders made in it: everyone may read a published site; a jury room
  /// or the archive's own records are private (`OwnerOnly`).
  package var fileMode: mode_t = 0o644
  package var folderMode: mode_t = 0o755

  package init(_ url: URL) throws {
    self.url = url
    let fd = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw ExportError.output(Self.sentence(errno, url.path)) }
    descriptor = fd
  }

  deinit { close(descriptor) }

  /// True when `path` is a relative path of plain names: not absolute, no `.` or `..`, no NUL.
  package static func isSafe(_ path: String) -> Bool {
    guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\") else { return false }
    return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
      !$0.isEmpty && $0 != "." && $0 != ".."
    }
  }

  /// Writes `data` at `path`, by a temporary `.partial-` file renamed over it, making folders as
  /// needed.
  func write(_ path: String, _ data: Data) throws {
    let (folder, name) = try parent(of: path, create: true)
    defer { close(folder) }
    let temporary = ".partial-\(getpid())-\(name)"
    unlinkat(folder, temporary, 0)
    let fd = openat(folder, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, fileMode)
    guard fd >= 0 else { throw ExportError.output(Self.sentence(errno, url.path + "/" + path)) }
    if fileMode & OwnerOnly.othersBits == 0 { fchmod(fd, fileMode) }
    var failure = data.withUnsafeBytes { writeAll(fd, $0) }
    close(fd)
    if failure == 0 && renameat(folder, temporary, folder, name) != 0 { failure = errno }
    if failure != 0 {
      unlinkat(folder, temporary, 0)
      throw ExportError.output(Self.sentence(failure, url.path + "/" + path))
    }
  }

  /// Moves a finished file (made in a private folder on the same file system) to `path`, making
  /// folders as needed. The folders are walked without following links, and the rename replaces
  /// whatever has the name (a planted link too) rather than writing through it.
  func moveIn(_ file: String, as path: String) throws {
    let (folder, name) = try parent(of: path, create: true)
    defer { close(folder) }
    guard renameat(AT_FDCWD, file, folder, name) == 0 else {
      throw ExportError.output(Self.sentence(errno, url.path + "/" + path))
    }
  }

  /// The bytes of the regular file at `path` inside the site, read without following a link (a
  /// derivative Salon just placed there and now reads back).
  func contents(of path: String) throws -> Data {
    let (folder, name) = try parent(of: path, create: false)
    defer { close(folder) }
    let fd = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else {
      throw ExportError.output(
        FileProblem.sentence(errno: errno, path: url.path + "/" + path, writing: false).description)
    }
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    var status = stat()
    guard fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      throw ExportError.output(
        FileProblem.sentence(errno: EINVAL, path: url.path + "/" + path, writing: false).description)
    }
    return try handle.readToEnd() ?? Data()
  }

  /// The names in the folder at `path` inside the site; none when it is missing or a link.
  func names(in path: String) -> [String] {
    guard let (parentFolder, name) = try? parent(of: path, create: false) else { return [] }
    defer { close(parentFolder) }
    let fd = openat(parentFolder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { return [] }
    defer { close(fd) }
    return (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd/\(fd)")) ?? []
  }

  /// Removes the file at `path`; false when it was not there. A link is removed, never followed.
  @discardableResult
  func remove(_ path: String) -> Bool {
    guard let (folder, name) = try? parent(of: path, create: false) else { return false }
    defer { close(folder) }
    return unlinkat(folder, name, 0) == 0
  }

  /// True when `path` is a regular file (not a link) inside the folder.
  func hasFile(_ path: String) -> Bool {
    guard let (folder, name) = try? parent(of: path, create: false) else { return false }
    defer { close(folder) }
    var status = stat()
    return fstatat(folder, name, &status, AT_SYMLINK_NOFOLLOW) == 0 && status.st_mode & S_IFMT == S_IFREG
  }

  /// Every symbolic link under the folder, by relative path.
  package func links() -> [String] {
    var found: [String] = []
    func walk(_ fd: Int32, _ prefix: String) {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd/\(fd)") else { return }
      for name in names.sorted() {
        var status = stat()
        guard fstatat(fd, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
        switch status.st_mode & S_IFMT {
        case S_IFLNK: found.append(prefix + name)
        case S_IFDIR:
          let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
          guard child >= 0 else { continue }
          walk(child, prefix + name + "/")
          close(child)
        default: continue
        }
      }
    }
    walk(descriptor, "")
    return found
  }

  /// Removes the folders under the root that hold nothing.
  package func removeEmptyFolders() {
    func prune(_ fd: Int32) {
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd/\(fd)") else { return }
      for name in names {
        let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard child >= 0 else { continue }
        prune(child)
        close(child)
        unlinkat(fd, name, AT_REMOVEDIR)  // fails, harmlessly, unless empty
      }
    }
    prune(descriptor)
  }

  /// The folder holding `path`, open, and the last component's name.
  private func parent(of path: String, create: Bool) throws -> (Int32, String) {
    guard Self.isSafe(path) else {
      throw ExportError.output("\(path) is not a path inside the export folder; Salon writes only inside it.")
    }
    var parts = path.split(separator: "/").map(String.init)
    let name = parts.removeLast()
    var fd = dup(descriptor)
    var walked = ""
    for part in parts {
      walked += part + "/"
      var next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      if next < 0 && errno == ENOENT && create {
        if mkdirat(fd, part, folderMode) != 0 && errno != EEXIST {
          let code = errno
          close(fd)
          throw ExportError.output(Self.sentence(code, url.path + "/" + walked))
        }
        next = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
      }
      let code = errno
      close(fd)
      guard next >= 0 else {
        if code == ELOOP || code == ENOTDIR {
          throw ExportError.output(Self.linkRefusal(String(walked.dropLast()), in: url))
        }
        throw ExportError.output(Self.sentence(code, url.path + "/" + walked))
      }
      fd = next
    }
    return (fd, name)
  }

  static func linkRefusal(_ path: String, in folder: URL) -> String {
    "\(path) in the export folder \(folder.path) is a link or a file where a folder belongs; Salon does not write through links, so remove it and export again."
  }

  static func sentence(_ code: Int32, _ path: String) -> String {
    FileProblem.sentence(errno: code, path: path, writing: true).description
  }
}
