import Foundation
import SampleContent

/// Writes zips byte by byte, so tests can make every kind of broken or hostile zip that real
/// tools refuse to produce. Entries are stored, or "deflated" as stored deflate blocks.
struct RawZip {
  struct Entry {
    var name: [UInt8]
    var data: [UInt8]
    var deflate = false
    var flags = 0
    /// Overrides the uncompressed size written in the headers (a size lie).
    var declaredSize: Int?
    /// Unix mode bits for the central directory's external attributes (e.g. 0o120777 for a link).
    var unixMode: Int?

    init(_ name: String, _ data: [UInt8], deflate: Bool = false) {
      self.name = Array(name.utf8)
      self.data = data
      self.deflate = deflate
      self.flags = name.utf8.contains(where: { $0 >= 0x80 }) ? 0x800 : 0
    }
    init(_ name: String, _ text: String) { self.init(name, Array(text.utf8)) }
  }

  var entries: [Entry] = []
  var prefix: [UInt8] = []
  var omitCentralDirectory = false
  /// Adds central directory records that point at the first entry's bytes again.
  var overlappingCopies = 0
  /// Central directory record count override (for an inconsistent end record).
  var declaredCount: Int?
  /// Ends with a ZIP64 end record declaring this table of contents size and offset (the classic
  /// end record then says "see ZIP64").
  var zip64Directory: (size: Int, offset: Int)?

  init(_ entries: [Entry] = []) { self.entries = entries }

  func bytes() -> [UInt8] {
    var out = prefix
    var central: [UInt8] = []
    var records: [(entry: Entry, offset: Int, compressed: [UInt8])] = []
    for entry in entries {
      let compressed = entry.deflate ? Array(SampleMedia.zlibStored(entry.data).dropFirst(2).dropLast(4)) : entry.data
      records.append((entry, out.count, compressed))
      out += localHeader(entry, compressed: compressed) + compressed
    }
    let centralStart = out.count
    var count = 0
    for record in records {
      central += centralHeader(record.entry, compressed: record.compressed, offset: record.offset)
      count += 1
    }
    if let first = records.first {
      for copy in 0..<overlappingCopies {
        var clone = first.entry
        clone.name = Array("bomb\(copy).txt".utf8)
        central += centralHeader(clone, compressed: first.compressed, offset: first.offset)
        count += 1
      }
    }
    if omitCentralDirectory { return out }
    out += central
    if let zip64 = zip64Directory {
      let recordOffset = out.count
      out += le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
      out += le64(count) + le64(count) + le64(zip64.size) + le64(zip64.offset)
      out += le32(0x0706_4B50) + le32(0) + le64(recordOffset) + le32(1)
      out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(0xFFFF) + le16(0xFFFF)
      return out + le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(0)
    }
    out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(declaredCount ?? count) + le16(declaredCount ?? count)
    out += le32(central.count) + le32(centralStart - 0) + le16(0)
    return out
  }

  private func localHeader(_ e: Entry, compressed: [UInt8]) -> [UInt8] {
    var h = le32(0x0403_4B50) + le16(20) + le16(e.flags) + le16(e.deflate ? 8 : 0) + le16(0) + le16(0x21)
    h += le32(Int(SampleMedia.crc32(e.data))) + le32(compressed.count) + le32(e.declaredSize ?? e.data.count)
    return h + le16(e.name.count) + le16(0) + e.name
  }

  private func centralHeader(_ e: Entry, compressed: [UInt8], offset: Int) -> [UInt8] {
    let madeBy = e.unixMode == nil ? 20 : (3 << 8 | 20)
    var h = le32(0x0201_4B50) + le16(madeBy) + le16(20) + le16(e.flags) + le16(e.deflate ? 8 : 0)
    h += le16(0) + le16(0x21) + le32(Int(SampleMedia.crc32(e.data))) + le32(compressed.count)
    h += le32(e.declaredSize ?? e.data.count) + le16(e.name.count) + le16(0) + le16(0) + le16(0) + le16(0)
    h += le32((e.unixMode ?? 0) << 16) + le32(offset)
    return h + e.name
  }

  private func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
  private func le32(_ v: Int) -> [UInt8] { SampleMedia.littleEndian32(v) }
  private func le64(_ v: Int) -> [UInt8] { le32(v & 0xFFFF_FFFF) + le32(v >> 32) }
}
