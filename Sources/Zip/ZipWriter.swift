import CArchive
import Foundation

/// Writes a zip with libarchive, for the demo, the benchmarks and test fixtures.
public final class ZipWriter {
  private let archive: OpaquePointer
  private var closed = false

  public struct WriteError: Error, CustomStringConvertible {
    public let description: String
  }

  /// - Parameter compress: deflate entries (true) or store them (false).
  public init(path: String, compress: Bool = true) throws {
    guard let archive = archive_write_new() else { fatalError("libarchive could not allocate a writer") }
    self.archive = archive
    archive_write_set_format_zip(archive)
    archive_write_set_options(archive, compress ? "zip:compression=deflate" : "zip:compression=store")
    if archive_write_open_filename(archive, path) != ARCHIVE_OK { throw failure() }
  }

  deinit {
    if !closed { archive_write_close(archive) }
    archive_write_free(archive)
  }

  private func failure() -> WriteError {
    WriteError(description: archive_error_string(archive).map { String(cString: $0) } ?? "cannot write zip")
  }

  private func header(_ path: String, size: Int) throws {
    let entry = archive_entry_new()
    defer { archive_entry_free(entry) }
    archive_entry_set_pathname_utf8(entry, path)
    archive_entry_set_filetype(entry, fileTypeRegular)
    archive_entry_set_perm(entry, 0o644)
    archive_entry_set_size(entry, la_int64_t(size))
    archive_entry_set_mtime(entry, 1_700_000_000, 0)
    if archive_write_header(archive, entry) != ARCHIVE_OK { throw failure() }
  }

  public func add(_ path: String, bytes: [UInt8]) throws {
    try header(path, size: bytes.count)
    try bytes.withUnsafeBytes { buffer in
      if buffer.count > 0, archive_write_data(archive, buffer.baseAddress, buffer.count) < 0 {
        throw failure()
      }
    }
  }

  /// Adds a file from disk, streamed in blocks.
  public func add(_ path: String, contentsOf file: String) throws {
    let attributes = try FileManager.default.attributesOfItem(atPath: file)
    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
    try header(path, size: size)
    guard let handle = FileHandle(forReadingAtPath: file) else {
      throw WriteError(description: "cannot read \(file)")
    }
    defer { try? handle.close() }
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
      try chunk.withUnsafeBytes { buffer in
        if archive_write_data(archive, buffer.baseAddress, buffer.count) < 0 { throw failure() }
      }
    }
  }

  public func close() throws {
    closed = true
    if archive_write_close(archive) != ARCHIVE_OK { throw failure() }
  }
}
