import Foundation
import Imaging
import Testing

@testable import Export

/// What `salon cache import` keeps of a node's pictures: the picture and nothing a hostile node
/// could hide beside it (metadata, unknown chunks, segments between scans, bytes past the end).
@Suite struct ImportStripTests {
  static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
    let length = payload.count + 2
    return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
  }

  @Test func aJPEGKeepsItsScansAndLosesMetadataEverywhereAndWhatFollowsItsEnd() throws {
    let jfif = Self.segment(0xE0, Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
    let thumbnail = Self.segment(0xE0, Array("JFXX".utf8) + [0, 0x10] + Array(repeating: 7, count: 40))
    let exif = Self.segment(0xE1, Array("Exif".utf8) + [0, 0] + Array("GPS 51.5N".utf8))
    let table = Self.segment(0xDB, [0] + Array(repeating: 1, count: 64))
    let scanHeader = Self.segment(0xDA, [1, 1, 0, 0, 63, 0])
    // Entropy data with a stuffed 0xFF00 and a restart marker, which belong to the scan.
    let data1: [UInt8] = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]
    let comment = Self.segment(0xFE, Array("the original, hidden".utf8))
    let data2: [UInt8] = [0x78, 0x9A]
    let jpeg =
      [0xFF, 0xD8] + jfif + thumbnail + exif + table + scanHeader + data1 + comment + scanHeader + data2
      + [0xFF, 0xD9] + Array("TRAILING SECRET".utf8)
    let stripped = try #require(DerivativeStrip.strippedJPEG(jpeg))
    #expect(stripped == [0xFF, 0xD8] + jfif + table + scanHeader + data1 + scanHeader + data2 + [0xFF, 0xD9])
    // A picture with no end is refused, not passed through.
    #expect(DerivativeStrip.strippedJPEG(Array(jpeg.prefix(jpeg.count - 17))) == nil)
  }

  static func chunk(_ name: String, _ payload: [UInt8]) -> [UInt8] {
    let n = payload.count
    return Array(name.utf8) + [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
      + payload + (n % 2 == 1 ? [0] : [])
  }

  static func riff(_ body: [UInt8]) -> [UInt8] {
    let n = body.count + 4
    return Array("RIFF".utf8) + [UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
      + Array("WEBP".utf8) + body
  }

  @Test func aRenditionMustHoldTheStreamsSalonMakesAndNoOthers() {
    #expect(RenditionCheck.isExpected([(.video, "h264"), (.audio, "aac")], isVideo: true))
    #expect(RenditionCheck.isExpected([(.video, "h264")], isVideo: true))
    #expect(RenditionCheck.isExpected([(.audio, "aac")], isVideo: false))
    #expect(!RenditionCheck.isExpected([(.video, "hevc"), (.audio, "aac")], isVideo: true))
    #expect(!RenditionCheck.isExpected([(.video, "h264"), (.audio, "mp3")], isVideo: true))
    #expect(!RenditionCheck.isExpected([(.video, "h264"), (.data, "bin_data")], isVideo: true))
    #expect(!RenditionCheck.isExpected([(.video, "h264")], isVideo: false))
    #expect(!RenditionCheck.isExpected([(.audio, "aac"), (.audio, "aac")], isVideo: false))
    #expect(!RenditionCheck.isExpected([], isVideo: true))
  }

  @Test func aWebPKeepsOnlyItsPictureChunksAndNothingPastItsDeclaredSize() throws {
    let picture = Self.chunk("VP8L", [0x2F, 1, 2, 3, 4])
    let file =
      Self.riff(Self.chunk("EXIF", Array("GPS".utf8)) + picture + Self.chunk("ZZZZ", Array("hidden".utf8)))
      + Self.chunk("VP8L", Array("appended".utf8))
    let stripped = try #require(WebPMetadata.stripped(file))
    #expect(stripped == Self.riff(picture))
  }
}
