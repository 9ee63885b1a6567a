import Foundation

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

  /// The catalog's file name in an archive folder: a folder holding one is an archive.
  package static let catalogName = "salon.sqlite"

  /// What Salon keeps in an archive folder, beside its catalog; no output may land on or in them.
  static let archiveItems = [
    catalogName, "salon.sqlite-wal", "salon.sqlite-shm", "salon.sqlite-journal", "store", "tmp",
  ]

  /// The absolute path `path` names, symlinks and `..` resolved, or the refusal in one sentence.
  package static func check(_ path: String, kind: Kind, archive: URL? = nil) throws -> URL {
    guard !path.isEmpty, !path.contains("\0") else {
      throw FileError("-o needs the name of a file or folder.")
    }
    let resolved = resolve(path)
    let shown = path
    // The open archive, and any other folder holding a Salon catalog, keep their own items.
    var archiveRoots: [String] = []
    if let archive { archiveRoots.append(resolve(archive.path)) }
    var ancestor = resolved
    while true {
      if FileManager.default.fileExists(atPath: ancestor + "/" + catalogName) {
        archiveRoots.append(ancestor)
      }
      guard ancestor != "/" else { break }
      ancestor = (ancestor as NSString).deletingLastPathComponent
    }
    for root in archiveRoots {
      if resolved == root {
        throw FileError(
          "\(shown) is a Salon archive folder; choose another -o so the archive is not overwritten.")
      }
      let prefix = root == "/" ? "/" : root + "/"
      guard resolved.hasPrefix(prefix) else { continue }
      let first = resolved.dropFirst(prefix.count).split(separator: "/").first.map(String.init) ?? ""
      if archiveItems.contains(first) {
        throw FileError(
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
        throw FileError("\(shown) is a folder; -o names the file to write, e.g. \(shown)/sheet.csv.")
      }
      guard type == S_IFREG else {
        throw FileError("\(shown) is not a regular file; choose a new file or an ordinary one with -o.")
      }
      if isSQLiteDatabase(resolved) {
        throw FileError(
          "\(shown) is a database; Salon will not overwrite it, so choose another file with -o.")
      }
    case .folder:
      guard type == S_IFDIR else {
        throw FileError("\(shown) is a file, not a folder; choose a new or empty folder with -o.")
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
}
