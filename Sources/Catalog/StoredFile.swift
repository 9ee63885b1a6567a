import Foundation
import Zip

/// Where a stored file's bytes are. Since migration 16 a file of an accepted submission is not
/// stored a second time beside the zip as received: it is addressed inside that zip, by where
/// its local header starts, and the zip's own SHA-256 vouches for it. Files stored before
/// (and any zip) are loose files in `store/sha256/`. Resolved from the catalog on one thread,
/// then usable from any (`withPath` reads no catalog).
package struct StoredFile: Sendable, Equatable {
  package enum Place: Sendable, Equatable {
    /// A file of its own in the store, named by its hash.
    case loose(URL)
    /// The entry whose local header starts at `headerOffset` in the stored zip at `zip`.
    case member(zip: URL, headerOffset: Int)
  }
  package var sha256: String
  package var size: Int
  package var place: Place
  /// Where an unpacked copy is made: the archive's `tmp/`, swept at the next start if a run dies.
  package var temporaryRoot: URL

  package init(sha256: String, size: Int, place: Place, temporaryRoot: URL) {
    (self.sha256, self.size, self.place, self.temporaryRoot) = (sha256, size, place, temporaryRoot)
  }

  /// A file of its own outside the archive (a node's copy of an original, named by its hash):
  /// read where it is, never unpacked.
  package init(loose url: URL, sha256: String) {
    self.init(sha256: sha256, size: 0, place: .loose(url), temporaryRoot: url.deletingLastPathComponent())
  }

  /// Runs `body` with the path of a file holding exactly the stored bytes: the loose file itself,
  /// or a copy unpacked from the zip into `tmp/` (owner-only, checked against the hash as it is
  /// written, removed afterwards). A copy is for reading only; it is not archive bytes.
  package func withPath<T>(_ body: (String) throws -> T) throws -> T {
    switch place {
    case .loose(let url): return try body(url.path)
    case .member(let zip, let headerOffset):
      let copy = try unpack(zip: zip, headerOffset: headerOffset)
      defer { unlink(copy) }
      return try body(copy)
    }
  }

  /// The stored bytes, whole (for text, which is small).
  package func contents() throws -> Data {
    try withPath { path in
      guard let data = FileManager.default.contents(atPath: path) else { throw StoredFileError.unreadable(sha256) }
      return data
    }
  }

  private func unpack(zip: URL, headerOffset: Int) throws -> String {
    let descriptor = open(zip.path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else { throw StoredFileError.unreadable(sha256) }
    defer { close(descriptor) }
    // Unpacked where `tmp/` is, else (a read-only archive) in the system's temporary folder.
    let folder =
      access(temporaryRoot.path, W_OK) == 0 ? temporaryRoot : FileManager.default.temporaryDirectory
    let file = try TemporaryFile(directory: folder, durable: false)
    var position = headerOffset
    let reader = try ZipStreamReader { buffer in
      while true {
        let n = pread(descriptor, buffer.baseAddress, buffer.count, off_t(position))
        if n < 0 && errno == EINTR { continue }
        if n < 0 { throw StoredFileError.unreadable(sha256) }
        position += n
        return n
      }
    }
    do {
      guard let header = try reader.nextEntry(), header.kind == .file else { throw StoredFileError.unreadable(sha256) }
      try reader.readData { block in
        try file.write(block)
        return file.size <= size
      }
    } catch is ZipReadError {
      file.discard()
      throw StoredFileError.unreadable(sha256)
    }
    guard file.size == size, try file.finish() == sha256 else {
      file.discard()
      throw StoredFileError.unreadable(sha256)
    }
    return file.handOver()
  }
}

/// A stored file that cannot be read back as it was stored: missing, damaged, or its zip changed.
package enum StoredFileError: Error, CustomStringConvertible {
  case unreadable(String)
  package var description: String {
    switch self {
    case .unreadable(let sha):
      return "The stored file \(sha) cannot be read back whole; run `salon verify` to see what is damaged."
    }
  }
}

extension SalonArchive {
  /// Where the stored file `sha256` is: loose in the store, or an entry of a stored zip.
  package func storedFile(sha256: String) throws -> StoredFile {
    if let row = try database.queryOne(
      "SELECT zip_sha256, header_offset, size FROM zip_member WHERE sha256 = ?", [sha256])
    {
      return StoredFile(
        sha256: sha256, size: try row.int("size"),
        place: .member(
          zip: storedFileURL(sha256: try row.string("zip_sha256")), headerOffset: try row.int("header_offset")),
        temporaryRoot: temporaryRoot)
    }
    let size = try database.queryOne("SELECT size FROM blob WHERE sha256 = ?", [sha256])?.int("size") ?? 0
    return StoredFile(
      sha256: sha256, size: size, place: .loose(storedFileURL(sha256: sha256)), temporaryRoot: temporaryRoot)
  }

  /// Records (inside the caller's transaction) that the file `sha256` is the entry whose local
  /// header starts at `headerOffset` in the stored zip `zipSHA256`. Content already stored, loose
  /// or inside another zip, keeps its place: the same bytes are addressed once, whichever
  /// version or submission brought them first.
  package func registerMember(sha256: String, size: Int, zipSHA256: String, headerOffset: Int) throws {
    try database.run(
      """
      INSERT INTO zip_member (sha256, size, zip_sha256, header_offset, stored_at) SELECT ?, ?, ?, ?, ?
        WHERE NOT EXISTS (SELECT 1 FROM zip_member WHERE sha256 = ?)
          AND NOT EXISTS (SELECT 1 FROM blob WHERE sha256 = ?)
      """, [sha256, size, zipSHA256, headerOffset, Clock.now(), sha256, sha256])
  }
}
