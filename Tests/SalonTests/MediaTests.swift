import Catalog
import Foundation
import Imaging
import MediaTools
import SampleContent
import Testing

@testable import Ingest

@Suite struct MediaPropertiesTests {
  /// What ingest's real decoders (libvips, ffprobe and ffmpeg, pdfinfo) make of `bytes`.
  func check(_ bytes: [UInt8], ext: String, limits: Limits = Limits()) throws -> (
    DetectedType, MediaProperties, MediaDamage?
  ) {
    let scratch = Scratch()
    let path = scratch.write("f.\(ext)", bytes)
    let type = FileTypeDetector.detect(head: Array(bytes.prefix(4096)), fileExtension: ext)
    let media = MediaCheck(
      limits: limits, cancellation: .never, sandbox: Sandbox(limits: Ingester.defaultMediaLimits),
      workingParent: scratch.url.path)
    let (properties, damage) = try media.check(path: path, type: type)
    return (type, properties, damage)
  }

  @Test func readsPNGSizeByDecodingIt() throws {
    let (type, p, damage) = try check(SampleMedia.png(width: 300, height: 200), ext: "png")
    #expect(type.mediaType == "image/png")
    #expect(p.width == 300 && p.height == 200)
    #expect(damage == nil)
  }

  @Test func readsAJPEGsSize() throws {
    let scratch = Scratch()
    let png = scratch.write("p.png", SampleMedia.png(width: 640, height: 480))
    let jpeg = try Imaging.jpegPreview(of: png, width: 320, maxPixels: 1_000_000)
    let (type, p, damage) = try check(jpeg, ext: "jpg")
    #expect(type.mediaType == "image/jpeg")
    #expect(p.width == 320 && p.height == 240)
    #expect(damage == nil)
  }

  @Test func aHeaderWithNoPictureBehindItIsDamaged() throws {
    // A JPEG header declaring 1920 × 1080 with no image data: a header reader believed it.
    var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10] + Array("Exif\0\0".utf8) + [UInt8](repeating: 0, count: 8)
    jpeg += [0xFF, 0xC0, 0x00, 0x11, 0x08, 0x04, 0x38, 0x07, 0x80, 0x03] + [UInt8](repeating: 0, count: 9)
    jpeg += [0xFF, 0xD9]
    #expect(try check(jpeg, ext: "jpg").2?.kind == .damaged)
    let gif = Array("GIF89a".utf8) + [0x40, 0x01, 0xF0, 0x00] + [UInt8](repeating: 0, count: 10)
    #expect(try check(gif, ext: "gif").2?.kind == .damaged)
  }

  @Test func aTruncatedPNGIsDamaged() throws {
    let png = SampleMedia.png(width: 300, height: 200, seed: 3)
    let (_, _, damage) = try check(Array(png.prefix(png.count * 2 / 3)), ext: "png")
    #expect(damage?.kind == .damaged)
  }

  @Test func anImageOverThePixelLimitIsRefusedFromItsHeaderBeforeDecoding() throws {
    var limits = Limits()
    limits.maxPixels = 10_000
    let (_, p, damage) = try check(SampleMedia.png(width: 300, height: 200), ext: "png", limits: limits)
    #expect(p.width == 300 && p.height == 200)
    #expect(damage == nil)
  }

  @Test func readsWAVAndARealH264MP4() throws {
    let (wavType, wav, wavDamage) = try check(SampleMedia.wav(seconds: 2.5), ext: "wav")
    #expect(wavType.mediaType == "audio/wav")
    #expect(wav.duration == 2.5)
    #expect(wavDamage == nil)
    let (type, p, damage) = try check(SampleVideo.mp4(seconds: 3), ext: "mp4")
    #expect(type.mediaType == "video/mp4")
    #expect(p.width == 320 && p.height == 240 && p.duration == 3 && p.isVideo && p.codecs == "h264")
    #expect(damage == nil)
  }

  @Test func anMP4HeaderWithNoMediaBehindItIsDamaged() throws {
    let (_, _, damage) = try check(SampleMedia.mp4(seconds: 42, width: 1280, height: 720), ext: "mp4")
    #expect(damage?.kind == .damaged)
  }

  @Test func countsPDFPagesWithPoppler() throws {
    #expect(try check(SampleMedia.pdf(pages: 5), ext: "pdf").1.pages == 5)
    #expect(try check(SampleMedia.pdf(pages: 3, objectStreams: true), ext: "pdf").1.pages == 3)
    let (_, p, damage) = try check(Array("%PDF-1.4 nothing here".utf8), ext: "pdf")
    #expect(p.pages == nil)
    #expect(damage?.kind == .damaged)
  }

  @Test func detectsTextButNotBinaryNoise() {
    #expect(FileTypeDetector.detect(head: Array("Un poème, en UTF-8.\n".utf8), fileExtension: "txt").family == .text)
    #expect(FileTypeDetector.detect(head: [0x00, 0x01, 0x02, 0xFE], fileExtension: "txt").family == .unknown)
  }

  @Test func markupCarryingAPDFMarkerIsNotAPDF() {
    let svg = Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><!-- %PDF-1.7 --></svg>".utf8)
    #expect(FileTypeDetector.detect(head: svg, fileExtension: "pdf").family == .svg)
    let html = Array("<p>Read me %PDF-1.4</p>".utf8)
    #expect(FileTypeDetector.detect(head: html, fileExtension: "pdf").family != .pdf)
    let page = Array("<!DOCTYPE html><html>%PDF-1.4".utf8)
    #expect(FileTypeDetector.detect(head: page, fileExtension: "pdf").family == .html)
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
