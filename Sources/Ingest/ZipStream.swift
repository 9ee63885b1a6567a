import Basics
import Catalog
import Foundation
import Zip

/// Reads a zip once, front to back: every byte is copied to the zip as received, every entry is
/// checked as the stream shows it and unpacked to a temporary file. The central directory is
/// compared afterwards (`ZipReconciliation`), and the files are classified last (`EntryClassifier`).
struct ZipStream {
  /// An entry the stream unpacked.
  struct Entry {
    var path: String
    var file: TemporaryFile
    var head: [UInt8]
    var type = DetectedType.unknown
    var properties = MediaProperties()
    /// What a real decoder found wrong, if anything.
    var damage: MediaDamage?
    /// What an image or video says about how it was made (`Provenance.swift`).
    var provenance: FileEvidence?
    /// Where its local header starts in the zip as received: the file is stored there, and this
    /// unpacked copy is only for the decoders.
    var headerOffset = 0
  }

  /// Every local entry the stream showed, in order, with the bytes it produced (nil if skipped).
  struct Streamed {
    var path: String
    var produced: Int?
  }

  /// Whether the stream got as far as the entries (a file that is not a zip, or is too large, is
  /// only copied).
  enum Outcome { case notRead, read }

  let limits: Limits
  let archive: SalonArchive
  let copy: BackgroundWriter
  let cancellation: Cancellation

  var entries: [Entry] = []
  var streamed: [Streamed] = []
  var junk: [String] = []
  /// The input's size, when it is a regular file (only those are read).
  var regularFileSize: Int?

  init(limits: Limits, archive: SalonArchive, copy: BackgroundWriter, cancellation: Cancellation) {
    self.limits = limits
    self.archive = archive
    self.copy = copy
    self.cancellation = cancellation
  }

  /// Copies and reads the zip at `path`. Only a regular file is read: a device, a pipe or a link
  /// to one would stream forever.
  mutating func run(path: String, findings: inout ZipFindings) throws -> Outcome {
    // Non-blocking, so that opening a pipe with no writer returns at once instead of waiting.
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard descriptor >= 0 else {
      throw CatalogError.storage("Salon cannot read \(path): \(String(cString: strerror(errno))).")
    }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      throw CatalogError.storage("Salon cannot read \(path): \(String(cString: strerror(errno))).")
    }
    guard info.st_mode & S_IFMT == S_IFREG else {
      findings.add(.notARegularFile)
      return .notRead
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    let size = Int(info.st_size)
    regularFileSize = size

    var magic = [UInt8](repeating: 0, count: 4)
    let magicCount = magic.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 4, 0) }
    if magicCount < 4 || !(magic == [0x50, 0x4B, 0x03, 0x04] || magic == [0x50, 0x4B, 0x05, 0x06]) {
      findings.add(.notAZip(hasDataBefore: magicCount >= 4 && size > 4))
      try drain(descriptor)
      return .notRead
    }
    if size > limits.maxZipBytes {
      findings.add(.zipTooLarge(size: size, limit: limits.maxZipBytes))
      try drain(descriptor)
      return .notRead
    }
    try streamEntries(descriptor, findings: &findings)
    try drain(descriptor)
    return .read
  }

  /// Copies the rest of the input into the zip copy.
  private func drain(_ descriptor: Int32) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      try cancellation.check()
      let n = read(descriptor, buffer.baseAddress, buffer.count)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      try copy.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
  }

  private mutating func streamEntries(_ descriptor: Int32, findings: inout ZipFindings) throws {
    let copy = self.copy
    let cancellation = self.cancellation
    let reader = try ZipStreamReader { buffer in
      try cancellation.check()
      while true {
        let n = read(descriptor, buffer.baseAddress, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { throw CatalogError.storage("Salon could not read the zip: \(String(cString: strerror(errno))).") }
        if n > 0 { try copy.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
        return n
      }
    }
    var seen: [String: String] = [:]
    var unpacked = 0
    do {
      while let header = try reader.nextEntry() {
        try cancellation.check()
        if header.kind != .directory { streamed.append(Streamed(path: header.path, produced: nil)) }
        if streamed.count > limits.maxEntries {
          findings.add(.tooManyEntries(limit: limits.maxEntries))
          return
        }
        let name = header.path
        if let reason = EntryName.unsafeReason(name) {
          findings.add(.unsafeName(name, reason: reason))
          continue
        }
        switch header.kind {
        case .directory: continue
        case .symbolicLink, .hardLink:
          findings.add(.linkEntry(name))
          continue
        case .other:
          findings.add(.specialEntry(name))
          continue
        case .file: break
        }
        if EntryName.isJunk(name) {
          junk.append(name)
          continue
        }
        let key = EntryName.comparisonKey(name)
        if let other = seen[key] {
          findings.add(.duplicateName(other, name))
          continue
        }
        seen[key] = name
        if header.isEncrypted {
          findings.add(.encryptedEntry(name))
          continue
        }
        // The decoders' copy, never stored: the archive keeps the entry inside the zip.
        let file = try archive.makeTemporaryFile(durable: false)
        var head: [UInt8] = []
        var produced = 0
        var stopped = false
        let budget = limits.maxUnpackedBytes - unpacked
        let damage = try readDetectingDamage(reader, entry: name) { block in
          // A small zip can unpack to gigabytes: Ctrl-C is heard between blocks of output too.
          try cancellation.check()
          produced += block.count
          if let declared = header.declaredSize, produced > declared {
            findings.add(.sizeMismatch(name, unpacksToMore: true))
            stopped = true
            return false
          }
          if produced > budget {
            findings.add(.tooMuchData(limit: limits.maxUnpackedBytes))
            stopped = true
            return false
          }
          if head.count < FileTypeDetector.headLength {
            head.append(contentsOf: block.prefix(FileTypeDetector.headLength - head.count))
          }
          try file.write(block)
          return true
        }
        if let damage {
          findings.add(damage)
          file.discard()
          streamed[streamed.count - 1].produced = produced
          continue
        }
        if stopped {
          file.discard()
          return
        }
        unpacked += produced
        streamed[streamed.count - 1].produced = produced
        // Hashed and closed now: a zip of thousands of files must not hold a descriptor each.
        try file.finish()
        entries.append(Entry(path: name, file: file, head: head, headerOffset: header.headerOffset))
      }
    } catch let error as ZipReadError {
      switch error.kind {
      case .truncated: findings.add(.zipTruncated)
      case .encrypted: findings.add(.encryptedEntry(nil))
      case .corrupt: findings.add(.zipCorrupt(detail: error.message))
      }
    }
  }

  /// Reads the current entry's data; an entry whose bytes fail their CRC-32 or declared size is
  /// returned as its problem, to be reported and skipped while the stream reads on so that every
  /// reason is shown.
  private func readDetectingDamage(
    _ reader: ZipStreamReader, entry name: String, _ consume: (UnsafeRawBufferPointer) throws -> Bool
  ) throws -> ZipProblem? {
    do {
      try reader.readData(consume)
      return nil
    } catch ZipReadError.checksumMismatch {
      return .crcMismatch(name)
    } catch ZipReadError.sizeMismatch {
      // More data than declared stops the entry early; this is the other way round.
      return .sizeMismatch(name, unpacksToMore: false)
    }
  }
}
