import CArchive
import Foundation

/// What kind of thing a zip entry is; anything but `file` and `directory` is refused by ingest.
package enum ZipEntryKind: Equatable, Sendable {
  case file, directory, symbolicLink, hardLink, other
}

/// An entry's header as the local file header (streamed) describes it.
package struct ZipEntryHeader: Equatable, Sendable {
  /// The name as libarchive decoded it (UTF-8 flag honoured, else the legacy code page).
  package let path: String
  package let kind: ZipEntryKind
  /// The uncompressed size the local header declares, when it declares one.
  package let declaredSize: Int?
  package let isEncrypted: Bool
  /// Where the entry's local file header starts in the stream, counted from the stream's first
  /// byte: the entry can be read again from there alone (`ZipStreamReader` over the bytes from it).
  package var headerOffset: Int = 0
}

/// Why a zip cannot be read (further), one sentence per case. Classified from libarchive's
/// result codes, its error numbers and what the reader itself saw, never from libarchive's text.
package enum ZipReadError: Error, Equatable, CustomStringConvertible {
  /// The input ended inside the zip: an upload or download cut short.
  case truncated
  /// The input ended after an entry, where the next entry or the table of contents should begin.
  case endsWithoutTableOfContents
  /// The data of an encrypted entry was asked for.
  case encrypted
  /// An entry's data does not match the CRC-32 (or compressed size) the zip recorded for it.
  case checksumMismatch(entry: String)
  /// An entry unpacked to a different size than its header declares.
  case sizeMismatch(entry: String)
  /// libarchive could not allocate memory.
  case outOfMemory
  /// libarchive could not be set up to read zips.
  case readerUnavailable
  /// Any other damage. `detail` is libarchive's own words, for diagnostics, never shown alone.
  case corrupt(detail: String)

  package var description: String {
    switch self {
    case .truncated: return "The zip ends early; it was probably cut short during upload or download."
    case .endsWithoutTableOfContents:
      return "The zip ends after a file, where its table of contents (central directory) should begin."
    case .encrypted: return "The zip holds a password-protected file, which Salon cannot read."
    case .checksumMismatch(let entry):
      return "\"\(entry)\" is damaged: its checksum does not match (the upload or download was corrupted)."
    case .sizeMismatch(let entry): return "\"\(entry)\" unpacks to a different size than the zip declares."
    case .outOfMemory: return "Salon ran out of memory while reading the zip."
    case .readerUnavailable: return "Salon's zip reader (libarchive) could not be set up."
    case .corrupt: return "The zip is damaged and cannot be read."
    }
  }

  /// The broad kind, for callers that only tell these three apart.
  package enum Kind: Equatable, Sendable { case truncated, corrupt, encrypted }
  package var kind: Kind {
    switch self {
    case .truncated: return .truncated
    case .encrypted: return .encrypted
    default: return .corrupt
    }
  }

  /// libarchive's detail for `corrupt`, else the sentence.
  package var message: String {
    if case .corrupt(let detail) = self { return detail.isEmpty ? "unreadable zip" : detail }
    return description
  }
}

/// Streams a zip through libarchive's streaming zip reader, and nothing else: no other format,
/// no filters. Bytes come from `source`, so the caller sees (and can hash or copy) every byte
/// exactly once. Nothing is written to disk here.
package final class ZipStreamReader {
  private let archive: OpaquePointer
  private let source: (UnsafeMutableRawBufferPointer) throws -> Int
  fileprivate var buffer: UnsafeMutableRawBufferPointer
  fileprivate var sourceError: Error?
  /// libarchive asked for bytes after the last one: a failure now means the zip ended early.
  private var sourceEnded = false
  private var current: ZipEntryHeader?

  package init(
    bufferSize: Int = 1 << 20, source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
  ) throws {
    guard let archive = archive_read_new() else { throw ZipReadError.outOfMemory }
    self.archive = archive
    self.source = source
    self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bufferSize, 4096), alignment: 16)
    guard LibArchiveStatus(archive_read_support_format_zip_streamable(archive), of: archive) == .ok else {
      throw ZipReadError.readerUnavailable
    }
    let context = Unmanaged.passUnretained(self).toOpaque()
    let status = LibArchiveStatus(archive_read_open(archive, context, nil, zipReaderRead, nil), of: archive)
    switch status {
    case .ok: break
    case .end, .warning: throw ZipReadError.corrupt(detail: libArchiveDetail(archive))
    case .failure(let number): throw failure(number)
    }
  }

  deinit {
    // Freeing cannot fail in a way a reader that is going away could act on.
    _ = archive_read_free(archive)
    buffer.deallocate()
  }

  // libarchive converts names through the locale; without a UTF-8 locale non-ASCII names fail.
  // The UTF-8 locale is made once and used by this thread only while libarchive reads names
  // (`uselocale`), so the rest of the process keeps its own locale. Read-only after creation.
  nonisolated(unsafe) private static let utf8Locale: locale_t? =
    newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) ?? newlocale(LC_CTYPE_MASK, "en_US.UTF-8", nil)

  /// Runs `body` with the UTF-8 locale on this thread, then puts the thread's own back.
  private func withUTF8Locale<T>(_ body: () throws -> T) rethrows -> T {
    guard let locale = Self.utf8Locale else { return try body() }
    let previous = uselocale(locale)
    defer { uselocale(previous) }
    return try body()
  }

  fileprivate func fill() -> Int {
    do {
      let count = try source(buffer)
      if count == 0 { sourceEnded = true }
      return count
    } catch {
      sourceError = error
      return -1
    }
  }

  /// The next entry's header, or nil after the last one.
  package func nextEntry() throws -> ZipEntryHeader? {
    try withUTF8Locale { try readNextEntry() }
  }

  private func readNextEntry() throws -> ZipEntryHeader? {
    current = nil
    var entry: OpaquePointer?
    let status = LibArchiveStatus(archive_read_next_header(archive, &entry), of: archive)
    if let sourceError { throw sourceError }
    switch status {
    case .end: return nil
    case .failure(let number): throw failure(number)
    // libarchive warns when a name cannot be converted to the locale; the entry is still whole,
    // and ingest judges every name itself.
    case .ok, .warning: break
    }
    guard let entry else { throw ZipReadError.corrupt(detail: libArchiveDetail(archive)) }
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
    let size = archive_entry_size(entry)
    let declared = archive_entry_size_is_set(entry) != 0 && size >= 0 ? Int(size) : nil
    let encrypted = archive_entry_is_encrypted(entry) != 0
    var header = ZipEntryHeader(path: path, kind: kind, declaredSize: declared, isEncrypted: encrypted)
    header.headerOffset = Int(archive_read_header_position(archive))
    current = header
    return header
  }

  /// Streams the current entry's data to `consume` in blocks, without copying. `consume`
  /// returns false to stop early (the rest of the entry is then skipped). Data that does not
  /// match the zip's CRC-32 or sizes throws once the entry's last byte has been read.
  /// An error thrown by `source` is rethrown as it is, never disguised as a damaged zip.
  package func readData(_ consume: (UnsafeRawBufferPointer) throws -> Bool) throws {
    var block: UnsafeRawPointer?
    var size = 0
    var offset: la_int64_t = 0
    var produced = 0
    while true {
      let status = LibArchiveStatus(archive_read_data_block(archive, &block, &size, &offset), of: archive)
      if let sourceError { throw sourceError }
      switch status {
      case .end: return
      case .failure(let number): throw failure(number)
      case .warning(let number):
        throw endOfEntryWarning(number, produced: produced.addingReportingOverflow(size).partialValue)
      case .ok:
        produced = produced.addingReportingOverflow(size).partialValue
        if size > 0, let block {
          if try !consume(UnsafeRawBufferPointer(start: block, count: size)) { return }
        }
      }
    }
  }

  /// libarchive warns (ARCHIVE_ERRNO_MISC) at the end of an entry whose compressed size,
  /// uncompressed size or CRC-32 differs from what the zip recorded, in that order; the byte
  /// count tells the size case apart, and the rest is damaged data.
  private func endOfEntryWarning(_ number: LibArchiveErrno, produced: Int) -> ZipReadError {
    let entry = current?.path ?? ""
    guard number == .misc else { return .corrupt(detail: libArchiveDetail(archive)) }
    if let declared = current?.declaredSize, declared != produced { return .sizeMismatch(entry: entry) }
    return .checksumMismatch(entry: entry)
  }

  private func failure(_ number: LibArchiveErrno) -> Error {
    if let sourceError { return sourceError }
    if number == .outOfMemory { return ZipReadError.outOfMemory }
    if current?.isEncrypted == true { return ZipReadError.encrypted }
    if sourceEnded { return number == .none ? ZipReadError.endsWithoutTableOfContents : ZipReadError.truncated }
    return ZipReadError.corrupt(detail: libArchiveDetail(archive))
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
