import Foundation
import SampleContent
import Testing
import Zip

@testable import Ingest

@Suite struct MediaPropertiesTests {
  func properties(_ bytes: [UInt8], ext: String) -> (DetectedType, MediaProperties) {
    let scratch = Scratch()
    let path = scratch.write("f.\(ext)", bytes)
    let type = FileTypeDetector.detect(head: Array(bytes.prefix(4096)), fileExtension: ext)
    // A token nobody cancels: the inspection cannot throw.
    return (type, try! MediaInspector.properties(of: RandomAccessFile(path: path)!, type: type, cancellation: .never))
  }

  @Test func readsPNGSize() {
    let (type, p) = properties(SampleMedia.png(width: 300, height: 200), ext: "png")
    #expect(type.mediaType == "image/png")
    #expect(p.width == 300 && p.height == 200)
  }

  @Test func readsJPEGSizePastAnEXIFSegment() {
    var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10] + Array("Exif\0\0".utf8) + [UInt8](repeating: 0, count: 8)
    jpeg += [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x04, 0x38, 0x07, 0x80, 0x03] + [UInt8](repeating: 0, count: 9)
    jpeg += [0xFF, 0xD9]
    let (type, p) = properties(jpeg, ext: "jpg")
    #expect(type.mediaType == "image/jpeg")
    #expect(p.width == 1920 && p.height == 1080)
  }

  @Test func readsGIFAndWebPSizes() {
    let gif = Array("GIF89a".utf8) + [0x40, 0x01, 0xF0, 0x00] + [UInt8](repeating: 0, count: 10)
    #expect(properties(gif, ext: "gif").1 == MediaProperties(width: 320, height: 240))
    var webp = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0, 0, 0, 0, 0]
    webp += [0x7F, 0x07, 0x00, 0x37, 0x04, 0x00]  // 1920 × 1080, stored minus one
    #expect(properties(webp, ext: "webp").1 == MediaProperties(width: 1920, height: 1080))
  }

  @Test func readsWAVAndMP4Durations() {
    let (wavType, wav) = properties(SampleMedia.wav(seconds: 2.5), ext: "wav")
    #expect(wavType.mediaType == "audio/wav")
    #expect(wav.duration == 2.5)
    let (mp4Type, mp4) = properties(SampleMedia.mp4(seconds: 42, width: 1280, height: 720), ext: "mp4")
    #expect(mp4Type.mediaType == "video/mp4")
    #expect(mp4.duration == 42)
    #expect(mp4.width == 1280 && mp4.height == 720)
  }

  @Test func readsARealH264MP4() {
    let (type, p) = properties(SampleVideo.mp4(seconds: 3), ext: "mp4")
    #expect(type.mediaType == "video/mp4")
    #expect(p == MediaProperties(width: 320, height: 240, duration: 3))
  }

  @Test func countsPDFPagesPlainAndInObjectStreams() throws {
    #expect(try PDFPageCounter.pageCount(in: SampleMedia.pdf(pages: 5)) == 5)
    #expect(try PDFPageCounter.pageCount(in: SampleMedia.pdf(pages: 3, objectStreams: true)) == 3)
    #expect(try PDFPageCounter.pageCount(in: Array("%PDF-1.4 nothing here".utf8)) == nil)
  }

  @Test func detectsTextButNotBinaryNoise() {
    #expect(FileTypeDetector.detect(head: Array("Un poème, en UTF-8.\n".utf8), fileExtension: "txt").family == .text)
    #expect(FileTypeDetector.detect(head: [0x00, 0x01, 0x02, 0xFE], fileExtension: "txt").family == .unknown)
  }
}

@Suite struct InflateTests {
  /// Real DEFLATE data, compressed by libarchive's zip writer (zlib), taken out of the zip.
  func deflated(_ data: [UInt8]) throws -> [UInt8] {
    let scratch = Scratch()
    let path = scratch.path("d.zip")
    let writer = try ZipWriter(path: path, compress: true)
    try writer.add("x", bytes: data)
    try writer.close()
    let zip = Array(FileManager.default.contents(atPath: path)!)
    let nameLength = Int(zip[26]) | Int(zip[27]) << 8
    let extraLength = Int(zip[28]) | Int(zip[29]) << 8
    let start = 30 + nameLength + extraLength
    // libarchive streams the entry, so sizes are in the data descriptor; the central
    // directory holds the compressed size too.
    let central = findBytes([0x50, 0x4B, 0x01, 0x02], in: zip)!
    let compressed = Int(zip[central + 20]) | Int(zip[central + 21]) << 8 | Int(zip[central + 22]) << 16
    return Array(zip[start..<start + compressed])
  }

  @Test func inflatesWhatZlibDeflates() throws {
    var text: [UInt8] = []
    for n in 0..<5000 { text += Array("line \(n % 97) of a description that repeats itself a lot\n".utf8) }
    text += SampleMedia.pseudoRandomBytes(3000, seed: 9)
    let raw = try deflated(text)
    #expect(raw.count < text.count / 3, "the data really is compressed")
    let output = try Inflater.inflateZlib([0x78, 0x9C] + raw, limit: 10_000_000)
    #expect(output == text)
  }

  @Test func stopsAtTheOutputLimit() throws {
    let raw = try deflated([UInt8](repeating: 0, count: 1_000_000))
    #expect(throws: Inflater.Failure.tooLarge) { try Inflater.inflateZlib([0x78, 0x9C] + raw, limit: 1000) }
  }
}

@Suite struct RoleInferenceTests {
  func roles(_ paths: [String], families: [ContentFamily]? = nil) -> [RoleInference.Assignment] {
    let fams = families ?? paths.map { $0.lowercased().hasSuffix(".pdf") ? .pdf : .image }
    return RoleInference.assign(zip(paths, fams).map { RoleInference.Candidate(path: $0, family: $1) })
  }

  @Test func conventionalNamesNeedNoNote() {
    let r = roles(["x_main.png", "x_description.pdf", "x_supplementary_2.png", "x_video.mp4"])
    #expect(r.map(\.role) == [.main, .description, .supplementary, .video])
    #expect(r[2].number == 2)
    #expect(r.allSatisfy { $0.note == nil })
  }

  @Test func driftingNamesAreMatchedAndSaidSo() {
    let r = roles(["24_main .png", "Title_Description.pdf", "artwork_X_main.pdf"], families: [.image, .pdf, .pdf])
    #expect(r.map(\.role) == [.main, .description, .main])
    #expect(r[0].note != nil && r[1].note != nil)
    #expect(r[2].note != nil, "the call's placeholder left as a prefix is a drift, as the README says")
  }

  @Test func oneTopLevelFolderIsLookedThrough() {
    let r = roles(["My Work/a_main.png", "My Work/a_description.pdf"])
    #expect(r.map(\.role) == [.main, .description])
  }

  @Test func aLonePDFIsTheDescription() {
    let r = roles(["GoGo Musebots.pdf", "gogo_main.png"], families: [.pdf, .image])
    #expect(r.map(\.role) == [.description, .main])
    #expect(r[0].note?.contains("only PDF") == true)
  }

  @Test func twoUnnamedPDFsAreNotGuessed() {
    let r = roles(["one.pdf", "two.pdf"])
    #expect(r.map(\.role) == [.other, .other])
  }
}
