import Basics
import Foundation

/// The archive is its owner's alone: the folder is 0700 and Salon's own items in it 0600 files in
/// 0700 folders (`OwnerOnly`), since the catalog holds the secret that signs jurors' sheets and
/// every artist's email, and the store and cache hold works not yet published.
extension SalonArchive {
  /// Salon's own items in an archive folder, all private. Whatever else the organiser keeps in
  /// the folder (forms, zips, an exported gallery meant to be published) is theirs and left alone.
  static let privateItems = [
    catalogName, catalogName + "-wal", catalogName + "-shm", catalogName + "-journal", "store", "tmp", "cache",
  ]
  /// Folders inside those items that are looked at too on every open.
  static let checkedFolders = ["store/sha256", "cache/derivatives", "cache/exports"]

  /// Makes the archive at `root` private when any of its folder, catalog or top folders is open
  /// to others, and returns how many paths changed; otherwise it only looks at a dozen names.
  /// Called before the catalog is opened, so SQLite makes its -wal and -shm private too (it gives
  /// them the catalog's mode).
  static func makePrivate(root: URL) -> Int {
    let paths = [root.path] + (privateItems + checkedFolders).map { root.appendingPathComponent($0).path }
    guard paths.contains(where: OwnerOnly.isOpenToOthers) else { return 0 }
    var changed = 0
    if OwnerOnly.isOpenToOthers(root.path) {
      // Not the owner's, or on a read-only disk: nothing here can change, so nothing is walked.
      guard OwnerOnly.tighten(root.path) else { return 0 }
      changed += 1
    }
    for item in privateItems {
      let path = root.appendingPathComponent(item).path
      // The catalog's files are only tightened, never replaced by a copy (SQLite may be using them).
      changed += item.hasPrefix(catalogName) ? (OwnerOnly.tighten(path) ? 1 : 0) : OwnerOnly.tightenTree(path)
    }
    return changed
  }

  /// Gives the catalog's -wal and -shm the catalog's own mode, as SQLite does when it makes them.
  /// A read while the catalog was read-only leaves them behind read-only (SQLite made them with
  /// the catalog's mode then), and SQLite refuses every write through a read-only -shm even once
  /// the catalog is writable again.
  static func alignCatalogCompanions(catalog: String) {
    var main = stat()
    guard lstat(catalog, &main) == 0, main.st_mode & S_IFMT == S_IFREG else { return }
    for suffix in ["-wal", "-shm"] {
      let fd = Glibc.open(catalog + suffix, OwnerOnly.pathOnly | O_NOFOLLOW | O_CLOEXEC)
      guard fd >= 0 else { continue }
      var status = stat()
      if fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_uid == main.st_uid,
        status.st_mode & 0o777 != main.st_mode & 0o777
      {
        // An O_PATH descriptor's /proc entry is the file itself: no link is followed.
        chmod("/proc/self/fd/\(fd)", main.st_mode & 0o777)
      }
      Glibc.close(fd)
    }
  }

  /// Makes the new, empty catalog file 0600 before SQLite opens it: SQLite would make it 0644
  /// (whatever the umask leaves of that), and its -wal and -shm after it.
  static func createPrivateCatalog(_ path: String) throws {
    do {
      Glibc.close(try OwnerOnly.createFile(path))
    } catch {
      // A salon started at the same moment made it first: theirs is as private.
      guard FileManager.default.fileExists(atPath: path) else { throw error }
    }
  }
}
