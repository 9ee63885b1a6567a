import CArchive
import Foundation

/// What kind of thing a zip entry is; anything but `file` and `directory` is refused by ingest.
public enum ZipEntryKind: Equatable, Sendable {
  case file, directory, symbolicLink, hardLink, other
}

/// An entry's header as the local file header (streamed) describes it.
public struct ZipEntryHeader: Equatable, Sendable {
  /// The name as libarchive decoded it (UTF-8 flag honoured, else the legacy code page).
  public let path: String
  public let kind: ZipEntryKind
  /// The uncompressed size the local header declares, when it declares one.
  public let declaredSize: Int?
  public let isEncrypted: Bool
}

/// Why libarchive could not go on reading, with its own message.
public struct ZipReadError: Error, Equatable, CustomStringConvertible {
  public enum Kind: Equatable, Sendable { case truncated, corrupt, encrypted }
  public let kind: Kind
  public let message: String
  public var description: String { message }
}

/// Streams a zip through libarchive's streaming zip reader, and nothing else: no other format,
/// no filters. Bytes come from `source`, so the caller sees (and can hash or copy) every byte
/// exactly once. Nothing is written to disk here.
public final class ZipStreamReader {
  private let archive: OpaquePointer
  private let source: (UnsafeMutableRawBufferPointer) throws -> Int
  fileprivate var buffer: UnsafeMutableRawBufferPointer
  fileprivate var sourceError: Error?
  private var entry: OpaquePointer?

  public init(
    bufferSize: Int = 1 << 20, source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
  ) throws {
    Self.useUTF8Locale
    guard let archive = archive_read_new() else { fatalError("libarchive could not allocate a reader") }
    self.archive = archive
    self.source = source
    self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
    archive_read_support_format_zip_streamable(archive)
    let context = Unmanaged.passUnretained(self).toOpaque()
    let rc = archive_read_open(archive, context, nil, zipReaderRead, nil)
    if rc != ARCHIVE_OK { throw error(rc) }
  }

  deinit {
    archive_read_free(archive)
    buffer.deallocate()
  }

  // libarchive converts names through the locale; without a UTF-8 locale non-ASCII names fail.
  private static let useUTF8Locale: Void = {
    if setlocale(LC_CTYPE, "C.UTF-8") == nil { _ = setlocale(LC_CTYPE, "en_US.UTF-8") }
  }()

  fileprivate func fill() -> Int {
    do {
      return try source(buffer)
    } catch {
      sourceError = error
      return -1
    }
  }

  /// The next entry's header, or nil after the last one.
  public func nextEntry() throws -> ZipEntryHeader? {
    var entry: OpaquePointer?
    let rc = archive_read_next_header(archive, &entry)
    if rc == ARCHIVE_EOF { return nil }
    if let sourceError { throw sourceError }
    if rc < ARCHIVE_WARN || entry == nil { throw error(rc) }
    self.entry = entry
    let path: String
    if let utf8 = archive_entry_pathname_utf8(entry) {
      path = String(cString: utf8)
    } else if let raw = archive_entry_pathname(entry) {
      path = String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
    } else {
      path = ""
    }
    let kind: ZipEntryKind
    if archive_entry_hardlink(entry) != nil {
      kind = .hardLink
    } else {
      switch archive_entry_filetype(entry) {
      case fileTypeRegular: kind = .file
      case fileTypeDirectory: kind = .directory
      case fileTypeSymbolicLink: kind = .symbolicLink
      default: kind = .other
      }
    }
    let declared = archive_entry_size_is_set(entry) != 0 ? Int(archive_entry_size(entry)) : nil
    let encrypted = archive_entry_is_encrypted(entry) != 0
    return ZipEntryHeader(path: path, kind: kind, declaredSize: declared, isEncrypted: encrypted)
  }

  /// An error thrown by `source` is rethrown as it is, never disguised as a damaged zip.
  /// Streams the current entry's data to `consume` in blocks, without copying. `consume`
  /// returns false to stop early (the rest of the entry is then skipped).
  public func readData(_ consume: (UnsafeRawBufferPointer) throws -> Bool) throws {
    var block: UnsafeRawPointer?
    var size = 0
    var offset: la_int64_t = 0
    while true {
      let rc = archive_read_data_block(archive, &block, &size, &offset)
      if rc == ARCHIVE_EOF { return }
      if let sourceError { throw sourceError }
      if rc < ARCHIVE_WARN { throw error(rc) }
      if size > 0, let block {
        if try !consume(UnsafeRawBufferPointer(start: block, count: size)) { return }
      }
    }
  }

  private func error(_ rc: Int32) -> Error {
    if let sourceError { return sourceError }
    let message = archive_error_string(archive).map { String(cString: $0) } ?? "unreadable zip"
    let lower = message.lowercased()
    if lower.contains("truncat") || lower.contains("premature") || lower.contains("unexpected end") {
      return ZipReadError(kind: .truncated, message: message)
    }
    if lower.contains("encrypt") || lower.contains("password") {
      return ZipReadError(kind: .encrypted, message: message)
    }
    return ZipReadError(kind: .corrupt, message: message)
  }
}

private func zipReaderRead(
  _ archive: OpaquePointer?, _ context: UnsafeMutableRawPointer?,
  _ buffer: UnsafeMutablePointer<UnsafeRawPointer?>?
) -> la_ssize_t {
  guard let context else { return -1 }
  let reader = Unmanaged<ZipStreamReader>.fromOpaque(context).takeUnretainedValue()
  let count = reader.fill()
  buffer?.pointee = UnsafeRawPointer(reader.buffer.baseAddress)
  return la_ssize_t(count)
}

// archive_entry.h defines these as cast macros, which Swift cannot import.
let fileTypeRegular: UInt32 = 0o100000
let fileTypeDirectory: UInt32 = 0o040000
let fileTypeSymbolicLink: UInt32 = 0o120000
