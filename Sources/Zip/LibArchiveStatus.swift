import CArchive
import Foundation

/// What one libarchive call reported. Every result code libarchive defines lands in exactly one
/// case, so no caller can forget one (ARCHIVE_RETRY and unknown codes count as failures: a stream
/// read once cannot be retried).
enum LibArchiveStatus: Equatable {
  /// ARCHIVE_OK.
  case ok
  /// ARCHIVE_EOF: no more entries, or no more data in this entry.
  case end
  /// ARCHIVE_WARN: the call did its work, but something is off (for zip data, a size or CRC-32
  /// that does not match what the zip recorded).
  case warning(LibArchiveErrno)
  /// ARCHIVE_RETRY, ARCHIVE_FAILED or ARCHIVE_FATAL.
  case failure(LibArchiveErrno)

  /// Checks `code`, the result of a call on `archive`, and takes libarchive's error number at once.
  init(_ code: Int32, of archive: OpaquePointer) {
    switch code {
    case ARCHIVE_OK: self = .ok
    case ARCHIVE_EOF: self = .end
    case ARCHIVE_WARN: self = .warning(LibArchiveErrno(archive_errno(archive)))
    default: self = .failure(LibArchiveErrno(archive_errno(archive)))
    }
  }
}

/// libarchive's error number, as `archive_errno` gives it: a system errno or one of libarchive's
/// own (archive.h leaves them as comments; archive_platform.h defines them).
enum LibArchiveErrno: Equatable {
  /// No number: libarchive ran out of input where an entry or the table of contents could start.
  case none
  /// ARCHIVE_ERRNO_FILE_FORMAT (EILSEQ on Linux, EFTYPE on BSD): a malformed or cut-off structure.
  case fileFormat
  /// ARCHIVE_ERRNO_MISC (-1): for zip data, a size or CRC-32 that does not check out.
  case misc
  case outOfMemory
  /// Any other system error number.
  case system(Int32)

  init(_ number: Int32) {
    switch number {
    case 0: self = .none
    case -1: self = .misc
    case fileFormatErrno: self = .fileFormat
    case ENOMEM: self = .outOfMemory
    default: self = .system(number)
    }
  }
}

/// libarchive's own words for the last error, kept only as a detail for diagnostics.
func libArchiveDetail(_ archive: OpaquePointer) -> String {
  archive_error_string(archive).map { String(cString: $0) } ?? ""
}

#if os(Linux)
  private let fileFormatErrno = EILSEQ
#else
  private let fileFormatErrno = EFTYPE
#endif
