import CArchive
import Foundation

/// Why a zip could not be written, one sentence per case.
package enum ZipWriteError: Error, Equatable, CustomStringConvertible {
  case cannotCreate(path: String)
  case cannotAdd(entry: String)
  case cannotRead(path: String)
  case cannotFinish
  case outOfMemory

  package var description: String {
    switch self {
    case .cannotCreate(let path): return "Salon cannot create the zip \(path)."
    case .cannotAdd(let entry): return "Salon cannot add \"\(entry)\" to the zip."
    case .cannotRead(let path): return "Salon cannot read \(path) to put it in the zip."
    case .cannotFinish: return "Salon cannot finish writing the zip."
    case .outOfMemory: return "Salon ran out of memory while writing the zip."
    }
  }
}

/// Writes a zip with libarchive, for the demo, the benchmarks and test fixtures.
package final class ZipWriter {
  private let archive: OpaquePointer
  private var closed = false
  /// Every entry's modification time, in seconds since 1970.
  private let modified: Int

  /// A fixed date (14 November 2023) for zips that must come out byte for byte the same every
  /// time: test fixtures, the demo's artists' zips and the benchmarks.
  package static let fixedDate = 1_700_000_000

  /// - Parameters:
  ///   - compress: deflate entries (true) or store them (false).
  ///   - modified: the entries' date; a zip someone opens (a jury room) passes the time it is made.
  package init(path: String, compress: Bool = true, modified: Int = ZipWriter.fixedDate) throws {
    guard let archive = archive_write_new() else { throw ZipWriteError.outOfMemory }
    self.archive = archive
    self.modified = modified
    try check(archive_write_set_format_zip(archive), else: .cannotCreate(path: path))
    try check(
      archive_write_set_options(archive, compress ? "zip:compression=deflate" : "zip:compression=store"),
      else: .cannotCreate(path: path))
    try check(archive_write_open_filename(archive, path), else: .cannotCreate(path: path))
  }

  deinit {
    // A writer dropped without `close()` is abandoned; nothing can be reported from here.
    if !closed { _ = archive_write_close(archive) }
    _ = archive_write_free(archive)
  }

  /// Anything but ARCHIVE_OK fails: Salon writes only what it made, so a warning is a bug.
  private func check(_ code: Int32, else error: ZipWriteError) throws {
    guard LibArchiveStatus(code, of: archive) == .ok else { throw error }
  }

  private func header(_ path: String, size: Int) throws {
    guard let entry = archive_entry_new() else { throw ZipWriteError.outOfMemory }
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname_utf8(entry, path)
    archive_entry_set_filetype(entry, fileTypeRegular)
    archive_entry_set_perm(entry, 0o644)
    archive_entry_set_size(entry, la_int64_t(size))
    archive_entry_set_mtime(entry, time_t(modified), 0)
    try check(archive_write_header(archive, entry), else: .cannotAdd(entry: path))
  }

  private func write(_ buffer: UnsafeRawBufferPointer, entry: String) throws {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return }
    // archive_write_data returns the bytes taken, or a negative result code.
    guard archive_write_data(archive, base, buffer.count) == buffer.count else {
      throw ZipWriteError.cannotAdd(entry: entry)
    }
  }

  package func add(_ path: String, bytes: [UInt8]) throws {
    try header(path, size: bytes.count)
    try bytes.withUnsafeBytes { try write($0, entry: path) }
  }

  /// Adds a file from disk, streamed in blocks.
  package func add(_ path: String, contentsOf file: String) throws {
    let attributes = try FileManager.default.attributesOfItem(atPath: file)
    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    try header(path, size: size)
    guard let handle = FileHandle(forReadingAtPath: file) else { throw ZipWriteError.cannotRead(path: file) }
    defer { try? handle.close() }
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      try chunk.withUnsafeBytes { try write($0, entry: path) }
    }
  }

  package func close() throws {
    closed = true
    try check(archive_write_close(archive), else: .cannotFinish)
  }
}
