import Foundation
import SQLite

/// Where a command may write what the organiser asked for with `-o`, and how it replaces a file.
///
/// Every `-o` goes through `check` first: it never names the catalog, the store or anything
/// else Salon keeps in an archive folder, nor a database or archive folder of Salon's, and it is
/// a file or a folder as the command needs.
package enum OutputPath {
  package enum Kind: Sendable {
    /// One file (a sheet, an announcement, a score export).
    case file
    /// A folder the command fills (an export, a bag, a demo).
    case folder
  }

  /// What Salon keeps in an archive folder, beside its catalog; no output may land on or in them.
  static let archiveItems = [
    "salon.sqlite", "salon.sqlite-wal", "salon.sqlite-shm", "salon.sqlite-journal", "store", "tmp",
  ]

  /// The absolute path `path` names, symlinks and `..` resolved, or the refusal in one sentence.
  package static func check(_ path: String, kind: Kind, archive: URL? = nil) throws -> URL {
    guard !path.isEmpty, !path.contains("\0") else {
      throw CatalogError.storage("-o needs the name of a file or folder.")
    }
    let resolved = resolve(path)
    let shown = path
    // The open archive, and any other folder holding a Salon catalog, keep their own items.
    var archiveRoots: [String] = []
    if let archive { archiveRoots.append(resolve(archive.path)) }
    var ancestor = resolved
    while true {
      if FileManager.default.fileExists(atPath: ancestor + "/" + SalonArchive.catalogName) {
        archiveRoots.append(ancestor)
      }
      guard ancestor != "/" else { break }
      ancestor = (ancestor as NSString).deletingLastPathComponent
    }
    for root in archiveRoots {
      if resolved == root {
        throw CatalogError.storage(
          "\(shown) is a Salon archive folder; choose another -o so the archive is not overwritten.")
      }
      let prefix = root == "/" ? "/" : root + "/"
      guard resolved.hasPrefix(prefix) else { continue }
      let first = resolved.dropFirst(prefix.count).split(separator: "/").first.map(String.init) ?? ""
      if archiveItems.contains(first) {
        throw CatalogError.storage(
          "\(shown) is part of the Salon archive at \(root); choose an -o outside its catalog and store so nothing stored is overwritten."
        )
      }
    }
    var status = stat()
    guard lstat(resolved, &status) == 0 else { return URL(fileURLWithPath: resolved) }
    let type = status.st_mode & S_IFMT
    switch kind {
    case .file:
      if type == S_IFDIR {
        throw CatalogError.storage("\(shown) is a folder; -o names the file to write, e.g. \(shown)/sheet.csv.")
      }
      guard type == S_IFREG else {
        throw CatalogError.storage("\(shown) is not a regular file; choose a new file or an ordinary one with -o.")
      }
      if isSQLiteDatabase(resolved) {
        throw CatalogError.storage(
          "\(shown) is a database; Salon will not overwrite it, so choose another file with -o.")
      }
    case .folder:
      guard type == S_IFDIR else {
        throw CatalogError.storage("\(shown) is a file, not a folder; choose a new or empty folder with -o.")
      }
    }
    return URL(fileURLWithPath: resolved)
  }

  /// `path` made absolute with every symlink and `..` resolved as the system would, even when
  /// its last parts do not exist yet.
  static func resolve(_ path: String) -> String {
    let absolute =
      path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    var parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    var rest: [String] = []
    while true {
      let prefix = "/" + parts.joined(separator: "/")
      if let real = realpath(prefix, nil) {
        defer { free(real) }
        var resolved = String(cString: real)
        for part in rest {
          switch part {
          case ".": continue
          case "..": resolved = (resolved as NSString).deletingLastPathComponent
          default: resolved = resolved == "/" ? "/" + part : resolved + "/" + part
          }
        }
        return resolved
      }
      guard let last = parts.popLast() else { return absolute }
      rest.insert(last, at: 0)
    }
  }

  static func isSQLiteDatabase(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    let header = (try? handle.read(upToCount: 16)) ?? Data()
    return header == Data("SQLite format 3\0".utf8)
  }

  /// Replaces `url` with `data` all at once: written beside it under a temporary name, flushed,
  /// then renamed over it, so a crash leaves the old file or the new one, never half of either.
  package static func writeAtomically(_ data: Data, to url: URL) throws {
    let folder = url.deletingLastPathComponent().path
    let temporary = folder + "/.partial-\(getpid())-\(url.lastPathComponent)"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw FileProblem.sentence(errno: errno, path: url.path, writing: true) }
    var failure = data.withUnsafeBytes { writeAll(fd, $0) }
    if failure == 0 && fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure == 0 && rename(temporary, url.path) != 0 { failure = errno }
    if failure != 0 {
      unlink(temporary)
      throw FileProblem.sentence(errno: failure, path: url.path, writing: true)
    }
  }
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
  package static func sentence(errno code: Int32, path: String, writing: Bool) -> CatalogError {
    let verb = writing ? "write" : "read"
    switch code {
    case ENOSPC, EDQUOT:
      return .storage("The disk is full; Salon could not write \(path). Free some space and run the command again.")
    case EACCES, EPERM:
      return .storage("Salon is not allowed to \(verb) \(path); check its permissions.")
    case EROFS:
      return .storage("\(path) is on a read-only disk; Salon cannot write there.")
    case ENOTDIR:
      return .storage("Part of \(path) is a file where a folder is needed.")
    case EISDIR:
      return .storage("\(path) is a folder where a file is needed.")
    case EEXIST:
      return .storage("\(path) already exists and Salon will not overwrite it.")
    case ENOENT:
      return .storage("\(path) does not exist, or the folder it belongs in does not.")
    case ELOOP:
      return .storage("\(path) is a symbolic link; Salon does not follow links when it writes.")
    case EIO:
      return .storage("The disk reported an error while Salon used \(path); check the disk.")
    default:
      return .storage("Salon could not \(verb) \(path) (\(String(cString: strerror(code))).")
    }
  }

  /// Any error as one sentence, for the command line's last resort: Salon's own errors say what
  /// to do; a file-system or catalog error that reached this far is put in plain words, never
  /// dumped raw.
  package static func plainSentence(for error: Error) -> String {
    if let error = error as? DatabaseError { return CatalogError.database(error).description }
    let nsError = error as NSError
    if nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain {
      let path =
        (nsError.userInfo[NSFilePathErrorKey] as? String) ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path
      if let problem = sentence(for: error, path: path ?? "a file", writing: true) { return problem.description }
    }
    let text = String(describing: error)
    if !text.contains("Error Domain="), !text.isEmpty { return text }
    return "Salon stopped on an unexpected error; run the command again, and report it if it happens twice."
  }

  /// A Foundation or POSIX error while using `path`, as one sentence; nil when it is neither.
  package static func sentence(for error: Error, path: String, writing: Bool) -> CatalogError? {
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
    default: return .storage("Salon could not \(writing ? "write" : "read") \(path).")
    }
  }
}

extension SalonArchive {
  /// `path` as an `-o` of a command run on this archive, or the refusal in one sentence.
  package func checkOutputPath(_ path: String, kind: OutputPath.Kind) throws -> URL {
    try OutputPath.check(path, kind: kind, archive: root)
  }
}
