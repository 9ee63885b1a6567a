import Foundation
import Testing
import Zip

/// The libarchive wrapper on broken zips: every failure is a typed error with one sentence,
/// classified from result codes and error numbers, and a damaged file never passes unnoticed.
@Suite struct ZipReaderTests {
  /// Reads every entry of `bytes`, returning each entry's path and size, or the error that stopped it.
  func read(_ bytes: [UInt8]) -> (entries: [(String, Int)], error: Error?) {
    var offset = 0
    var entries: [(String, Int)] = []
    do {
      let reader = try ZipStreamReader(bufferSize: 4096) { buffer in
        let count = min(buffer.count, bytes.count - offset)
        bytes[offset..<offset + count].withUnsafeBytes { buffer.copyMemory(from: $0) }
        offset += count
        return count
      }
      while let header = try reader.nextEntry() {
        var size = 0
        try reader.readData { block in
          size += block.count
          return true
        }
        entries.append((header.path, size))
      }
      return (entries, nil)
    } catch {
      return (entries, error)
    }
  }

  /// A stored zip whose first entry has one byte flipped; headers and table of contents are intact.
  static func damagedZip() -> [UInt8] {
    let first = RawZip.Entry("a.txt", Array(repeating: 0x61, count: 200))
    var bytes = RawZip([first, .init("b.txt", "intact")]).bytes()
    bytes[30 + first.name.count + 100] ^= 0x01
    return bytes
  }

  @Test func readsAnIntactZip() {
    let result = read(RawZip([.init("a.txt", "hello"), .init("b.txt", "world!")]).bytes())
    #expect(result.error == nil)
    #expect(result.entries.map(\.0) == ["a.txt", "b.txt"])
    #expect(result.entries.map(\.1) == [5, 6])
  }

  @Test func aFlippedByteInStoredDataIsAChecksumMismatchNamingTheFile() throws {
    let result = read(Self.damagedZip())
    #expect(result.error as? ZipReadError == .checksumMismatch(entry: "a.txt"))
    #expect(
      "\(result.error!)" == "\"a.txt\" is damaged: its checksum does not match (the upload or download was corrupted).")
  }

  @Test func theStreamReadsOnAfterADamagedFile() throws {
    let bytes = Self.damagedZip()
    var offset = 0
    let reader = try ZipStreamReader { buffer in
      let count = min(buffer.count, bytes.count - offset)
      bytes[offset..<offset + count].withUnsafeBytes { buffer.copyMemory(from: $0) }
      offset += count
      return count
    }
    #expect(try reader.nextEntry()?.path == "a.txt")
    #expect(throws: ZipReadError.checksumMismatch(entry: "a.txt")) { try reader.readData { _ in true } }
    #expect(try reader.nextEntry()?.path == "b.txt")
    var text: [UInt8] = []
    try reader.readData {
      text += $0
      return true
    }
    #expect(String(decoding: text, as: UTF8.self) == "intact")
    #expect(try reader.nextEntry() == nil)
  }

  @Test func aZipCutInsideAFileIsTruncated() {
    let whole = RawZip([.init("a.txt", Array(repeating: 0x61, count: 5000), deflate: true)]).bytes()
    for cut in [20, 40, 2000] {
      let result = read(Array(whole.prefix(cut)))
      #expect(result.error as? ZipReadError == .truncated, "cut at \(cut)")
    }
  }

  @Test func aZipThatStopsAfterAFileHasNoTableOfContents() {
    var zip = RawZip([.init("a.txt", "hello")])
    zip.omitCentralDirectory = true
    let result = read(zip.bytes())
    #expect(result.entries.map(\.0) == ["a.txt"])
    #expect(result.error as? ZipReadError == .endsWithoutTableOfContents)
  }

  @Test func theDataOfAPasswordProtectedFileIsRefusedAsEncrypted() {
    var secret = RawZip.Entry("a.txt", "hello")
    secret.flags |= 1
    let result = read(RawZip([secret]).bytes())
    #expect(result.error as? ZipReadError == .encrypted)
  }

  @Test func anErrorFromTheSourceIsRethrownAsItIs() {
    struct Unplugged: Error, Equatable {}
    #expect(throws: Unplugged()) {
      let reader = try ZipStreamReader { _ in throw Unplugged() }
      _ = try reader.nextEntry()
    }
  }

  @Test func everyErrorIsOneSentence() {
    let errors: [ZipReadError] = [
      .truncated, .endsWithoutTableOfContents, .encrypted, .checksumMismatch(entry: "x"), .sizeMismatch(entry: "x"),
      .outOfMemory, .readerUnavailable, .corrupt(detail: "ZIP decompression failed (-3)"),
    ]
    for error in errors {
      #expect(
        (error.description.first!.isUppercase || error.description.hasPrefix("\"")) && error.description.hasSuffix("."))
      #expect(!error.description.contains("ZIP decompression"), "libarchive's words stay out of the sentence")
    }
    let writeErrors: [ZipWriteError] = [
      .cannotCreate(path: "/x.zip"), .cannotAdd(entry: "a"), .cannotRead(path: "/a"), .cannotFinish, .outOfMemory,
    ]
    for error in writeErrors { #expect(error.description.hasPrefix("Salon ") && error.description.hasSuffix(".")) }
  }

  @Test func aZipThatCannotBeCreatedSaysWhere() {
    #expect(throws: ZipWriteError.cannotCreate(path: "/nonexistent-folder/x.zip")) {
      try ZipWriter(path: "/nonexistent-folder/x.zip")
    }
  }
}
