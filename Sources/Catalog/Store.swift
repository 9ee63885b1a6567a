import Foundation
import Hashing

/// A file being written into the archive's `tmp/`, hashed as it is written. It becomes part of
/// the store only through `SalonArchive.keep(_:)`; otherwise it is discarded.
public final class TemporaryFile {
  public let url: URL
  private var descriptor: Int32
  private let hasher = SHA256Hasher()
  public private(set) var size = 0
  public private(set) var sha256: String?

  init(directory: URL) throws {
    let name = "incoming-\(getpid())-\(UUID().uuidString)"
    url = directory.appendingPathComponent(name)
    descriptor = Glibc.open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
    if descriptor < 0 {
      throw CatalogError.storage("Salon cannot write in \(directory.path): \(String(cString: strerror(errno))).")
    }
  }

  deinit {
    if descriptor >= 0 {
      Glibc.close(descriptor)
      unlink(url.path)
    }
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    hasher.update(bytes)
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        throw CatalogError.storage("Salon could not write to its archive: \(String(cString: strerror(errno))).")
      }
      offset += written
    }
    size += bytes.count
  }

  /// Flushes to disk and returns the SHA-256 of everything written.
  @discardableResult
  public func finish() throws -> String {
    if let sha256 { return sha256 }
    if fsync(descriptor) != 0 {
      throw CatalogError.storage("Salon could not flush a file to disk: \(String(cString: strerror(errno))).")
    }
    Glibc.close(descriptor)
    descriptor = -1
    let digest = hasher.finalize()
    sha256 = digest
    return digest
  }

  /// Removes the file; called for everything a rejected submission unpacked.
  public func discard() {
    if descriptor >= 0 {
      Glibc.close(descriptor)
      descriptor = -1
    }
    unlink(url.path)
  }
}

extension SalonArchive {
  public func makeTemporaryFile() throws -> TemporaryFile {
    try TemporaryFile(directory: temporaryRoot)
  }

  public func storedFileURL(sha256: String) -> URL {
    let prefix = String(sha256.prefix(2))
    return storeRoot.appendingPathComponent(prefix).appendingPathComponent(sha256)
  }

  /// Moves a finished temporary file into the store under its hash, and flushes the folder,
  /// before any catalog row points at it. A file already stored under that hash is kept as it
  /// is: stored content is never overwritten.
  public func keep(_ file: TemporaryFile) throws -> (sha256: String, size: Int) {
    let sha256 = try file.finish()
    let target = storedFileURL(sha256: sha256)
    let folder = target.deletingLastPathComponent()
    if FileManager.default.fileExists(atPath: target.path) {
      file.discard()
      return (sha256, file.size)
    }
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    // link() fails rather than replace an existing file, unlike rename().
    if link(file.url.path, target.path) != 0 && errno != EEXIST {
      throw CatalogError.storage("Salon could not store a file: \(String(cString: strerror(errno))).")
    }
    unlink(file.url.path)
    chmod(target.path, 0o444)
    try syncDirectory(folder)
    return (sha256, file.size)
  }

  /// Records a stored file in the catalog (inside the caller's transaction).
  public func registerBlob(sha256: String, size: Int) throws {
    try database.run(
      "INSERT OR IGNORE INTO blob (sha256, size, stored_at) VALUES (?, ?, ?)", [sha256, size, Clock.now()])
  }

  /// Empties `tmp/`: whatever is there was left by an interrupted run and was never referenced.
  public func clearTemporaryFiles() {
    let fileManager = FileManager.default
    guard let names = try? fileManager.contentsOfDirectory(atPath: temporaryRoot.path) else { return }
    for name in names where name.hasPrefix("incoming-") {
      // Leave files of a process that is still running (a concurrent salon).
      let parts = name.split(separator: "-")
      if parts.count > 1, let pid = Int32(parts[1]), pid != getpid(), kill(pid, 0) == 0 { continue }
      unlink(temporaryRoot.appendingPathComponent(name).path)
    }
  }

  func syncDirectory(_ url: URL) throws {
    let descriptor = Glibc.open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    defer { Glibc.close(descriptor) }
    _ = fsync(descriptor)
  }
}
