import Basics
import Foundation

/// The zip's central directory, read by Salon itself: libarchive's streaming reader never looks at
/// it, and the checks it makes possible (links, overlaps, size lies, entries the stream never
/// showed) are ones libarchive does not make.
struct CentralDirectory {
  struct Entry: Equatable {
    var nameBytes: [UInt8]
    var name: String
    var flags: Int
    var method: Int
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
    /// The Unix file type bits when the zip was made on Unix (0 when unspecified).
    var unixFileType: Int
    var isEncrypted: Bool { flags & 1 != 0 }
  }

  enum Failure: Error, Equatable {
    case missing
    case inconsistent(String)
    case overlapping(String, String)
  }

  var entries: [Entry]
  /// Where the central directory starts: no entry's data may reach past it.
  var offset: Int

  /// Numbers in the records are the zip's own: every sum of them is checked, and a sum past
  /// Int's range is a damaged table of contents, never a trap.
  static func read(_ file: RandomAccessFile, maximumEntries: Int, cancellation: Cancellation) throws
    -> CentralDirectory
  {
    let tailLength = min(file.size, 22 + 65_535)
    let tailStart = file.size - tailLength
    let tail = file.read(at: tailStart, count: tailLength)
    var eocd: Int?
    var index = tail.count - 22
    while index >= 0 {
      if index % 4096 == 0 { try cancellation.check() }
      if tail[index] == 0x50, tail[index + 1] == 0x4B, tail[index + 2] == 0x05, tail[index + 3] == 0x06,
        let commentLength = tail.uint16LE(index + 20), index + 22 + commentLength <= tail.count
      {
        eocd = index
        break
      }
      index -= 1
    }
    guard let eocd else { throw Failure.missing }
    let eocdOffset = tailStart + eocd
    guard let disk = tail.uint16LE(eocd + 4), let cdDisk = tail.uint16LE(eocd + 6), disk == 0, cdDisk == 0 else {
      throw Failure.inconsistent("it claims to be part of a multi-volume set")
    }
    var total = tail.uint16LE(eocd + 10) ?? 0
    var size = tail.uint32LE(eocd + 12) ?? 0
    var offset = tail.uint32LE(eocd + 16) ?? 0
    var directoryEnd = eocdOffset
    if total == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
      // ZIP64: the locator sits just before the classic end record.
      let locator = file.read(at: eocdOffset - 20, count: 20)
      guard locator.uint32LE(0) == 0x0706_4B50, let recordOffset = locator.uint64LE(8) else {
        throw Failure.inconsistent("its ZIP64 end record is missing")
      }
      let record = file.read(at: recordOffset, count: 56)
      guard record.uint32LE(0) == 0x0606_4B50, let t = record.uint64LE(32), let s = record.uint64LE(40),
        let o = record.uint64LE(48)
      else { throw Failure.inconsistent("its ZIP64 end record is damaged") }
      (total, size, offset) = (t, s, o)
      directoryEnd = recordOffset
    }
    let (end, overflow) = offset.addingReportingOverflow(size)
    guard !overflow, end == directoryEnd else {
      throw Failure.inconsistent("its table of contents is not where the end record says")
    }
    let plausibleEntries = maximumEntries.clampedMultiple(4).clampedSum(64)
    guard total <= plausibleEntries, size <= 64 * 1024 * 1024 else {
      throw Failure.inconsistent("its table of contents is implausibly large")
    }
    let bytes = file.read(at: offset, count: size)
    guard bytes.count == size else { throw Failure.inconsistent("its table of contents is cut short") }
    var entries: [Entry] = []
    var cursor = 0
    while cursor < bytes.count {
      try cancellation.check()
      guard bytes.uint32LE(cursor) == 0x0201_4B50, let made = bytes.uint16LE(cursor + 4),
        let flags = bytes.uint16LE(cursor + 8), let method = bytes.uint16LE(cursor + 10),
        var compressed = bytes.uint32LE(cursor + 20), var uncompressed = bytes.uint32LE(cursor + 24),
        let nameLength = bytes.uint16LE(cursor + 28), let extraLength = bytes.uint16LE(cursor + 30),
        let commentLength = bytes.uint16LE(cursor + 32), let external = bytes.uint32LE(cursor + 38),
        var localOffset = bytes.uint32LE(cursor + 42),
        cursor + 46 + nameLength + extraLength + commentLength <= bytes.count
      else { throw Failure.inconsistent("an entry of its table of contents is damaged") }
      let nameBytes = Array(bytes[(cursor + 46)..<(cursor + 46 + nameLength)])
      let extra = Array(bytes[(cursor + 46 + nameLength)..<(cursor + 46 + nameLength + extraLength)])
      // ZIP64 extended information replaces the fields that are all ones, in this order.
      var extraCursor = 0
      while extraCursor + 4 <= extra.count {
        let id = extra.uint16LE(extraCursor) ?? 0
        let length = extra.uint16LE(extraCursor + 2) ?? 0
        if id == 0x0001 {
          var field = extraCursor + 4
          if uncompressed == 0xFFFF_FFFF, let v = extra.uint64LE(field) { uncompressed = v; field += 8 }
          if compressed == 0xFFFF_FFFF, let v = extra.uint64LE(field) { compressed = v; field += 8 }
          if localOffset == 0xFFFF_FFFF, let v = extra.uint64LE(field) { localOffset = v }
        }
        extraCursor += 4 + length
      }
      let isUnix = made >> 8 == 3
      let name = String(validating: nameBytes, as: UTF8.self) ?? String(decoding: nameBytes, as: UTF8.self)
      entries.append(
        Entry(
          nameBytes: nameBytes, name: name, flags: flags, method: method, compressedSize: compressed,
          uncompressedSize: uncompressed, localHeaderOffset: localOffset,
          unixFileType: isUnix ? (external >> 16) & 0xF000 : 0))
      cursor += 46 + nameLength + extraLength + commentLength
      guard entries.count <= plausibleEntries else { break }
    }
    guard entries.count == total else {
      throw Failure.inconsistent("its table of contents lists \(entries.count) files but its end record says \(total)")
    }
    let directory = CentralDirectory(entries: entries, offset: offset)
    try directory.checkLocalHeaders(file, cancellation: cancellation)
    return directory
  }

  /// Every entry must point at a local header with the same name, and no two entries' bytes may
  /// overlap (the trick behind non-recursive zip bombs).
  private func checkLocalHeaders(_ file: RandomAccessFile, cancellation: Cancellation) throws {
    var spans: [(start: Int, end: Int, name: String)] = []
    var localNames: [[UInt8]] = []
    for entry in entries {
      try cancellation.check()
      let header = file.read(at: entry.localHeaderOffset, count: 30)
      guard header.uint32LE(0) == 0x0403_4B50, let nameLength = header.uint16LE(26),
        let extraLength = header.uint16LE(28)
      else {
        throw Failure.inconsistent("its table of contents points at no file for \"\(entry.name)\"")
      }
      localNames.append(file.read(at: entry.localHeaderOffset + 30, count: nameLength))
      // The header was read, so its offset is inside the file; the declared size may be anything.
      let (dataEnd, overflow) = (entry.localHeaderOffset + 30 + nameLength + extraLength)
        .addingReportingOverflow(entry.compressedSize)
      guard !overflow else {
        throw Failure.inconsistent("\"\(entry.name)\" declares more data than any zip can hold")
      }
      spans.append((entry.localHeaderOffset, dataEnd, entry.name))
    }
    // Overlaps first: a zip bomb's extra records name files that have no local header of their own.
    let ordered = spans.sorted { $0.start < $1.start }
    for pair in zip(ordered, ordered.dropFirst()) where pair.1.start < pair.0.end {
      throw Failure.overlapping(pair.0.name, pair.1.name)
    }
    if let last = ordered.last, last.end > offset {
      throw Failure.overlapping(last.name, "the table of contents")
    }
    for (entry, localName) in zip(entries, localNames) where localName != entry.nameBytes {
      throw Failure.inconsistent("\"\(entry.name)\" has another name in its table of contents")
    }
  }
}

extension Int {
  /// `self + other`, or Int.max when that does not fit: for limits built from settings.
  func clampedSum(_ other: Int) -> Int {
    let (sum, overflow) = addingReportingOverflow(other)
    return overflow ? (other < 0 ? Int.min : Int.max) : sum
  }
  /// `self × factor`, or Int.max when that does not fit (for non-negative numbers).
  func clampedMultiple(_ factor: Int) -> Int {
    let (product, overflow) = multipliedReportingOverflow(by: factor)
    return overflow ? Int.max : product
  }
}
