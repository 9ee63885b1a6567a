import Foundation
import Testing

@testable import MediaTools

/// The sandbox, run on real files made by ffmpeg: facts from ffprobe's JSON, limits that stop
/// a tool, derivatives that carry no metadata.
@Suite struct SandboxTests {
  let sandbox = Sandbox()

  @Test func probesContainerCodecsDurationRotationAndFrameRate() throws {
    let scratch = Scratch()
    let phone = try sandbox.probe(MediaFixtures.path("phone.mov"), workingFolder: scratch.url.path)
    #expect(phone.demuxer == "mov")
    #expect(phone.video?.codec == "h264")
    #expect(phone.audio?.codec == "aac")
    #expect(phone.video?.rotation == 90)
    #expect(phone.displaySize.map { [$0.width, $0.height] } == [240, 320], "shown sideways as it was shot")
    #expect(phone.video?.frameRate == 25)
    #expect(abs((phone.duration ?? 0) - 2) < 0.1)

    let webm = try sandbox.probe(MediaFixtures.path("clip.webm"), workingFolder: scratch.url.path)
    #expect([webm.demuxer, webm.video?.codec, webm.audio?.codec] == ["matroska", "vp8", "opus"])
    let avi = try sandbox.probe(MediaFixtures.path("clip.avi"), workingFolder: scratch.url.path)
    #expect([avi.demuxer, avi.video?.codec, avi.audio?.codec] == ["avi", "mpeg4", "mp3"])
    let mp3 = try sandbox.probe(MediaFixtures.path("private.mp3"), workingFolder: scratch.url.path)
    #expect(mp3.demuxer == "mp3" && mp3.video == nil && mp3.audio?.codec == "mp3")
    let ogg = try sandbox.probe(MediaFixtures.path("tone.ogg"), workingFolder: scratch.url.path)
    #expect(ogg.audio?.codec == "vorbis" && abs((ogg.duration ?? 0) - 3) < 0.1)
    let flac = try sandbox.probe(MediaFixtures.path("tone.flac"), workingFolder: scratch.url.path)
    #expect(flac.demuxer == "flac" && abs((flac.duration ?? 0) - 3) < 0.1)
  }

  @Test func refusesFilesThatAreNotAllowedMedia() throws {
    let scratch = Scratch()
    // A playlist would make ffmpeg fetch other files; an image is not audio or video.
    let playlist = scratch.write("list.m3u8", "#EXTM3U\n#EXTINF:1,\nhttp://example.invalid/x.ts\n#EXT-X-ENDLIST\n")
    let text = scratch.write("notes.txt", "just words")
    for path in [playlist, text] {
      #expect(throws: MediaToolError.unreadable) { try sandbox.probe(path, workingFolder: scratch.url.path) }
    }
    #expect(throws: MediaToolError.formatNotAllowed("png_pipe")) {
      try MediaFacts(json: Data(#"{"format":{"format_name":"png_pipe"},"streams":[]}"#.utf8))
    }
    // A symbolic link is not followed, even to a good file.
    symlink(MediaFixtures.path("phone.mov"), scratch.path("link.mov"))
    #expect(throws: MediaToolError.unreadableInput) {
      try sandbox.probe(scratch.path("link.mov"), workingFolder: scratch.url.path)
    }
  }

  @Test func countsPDFPagesWithPoppler() throws {
    let scratch = Scratch()
    #expect(try sandbox.pdfPageCount(MediaFixtures.path("private.pdf"), workingFolder: scratch.url.path) == 3)
    // A title holding a line break and a fake count does not win over poppler's own line.
    let output = "Title:          x\nPages:          999\nProducer:       y\nPages:          2\nEncrypted:      no\n"
    #expect(try Sandbox.pageCount(pdfinfo: Data(output.utf8)) == 2)
    let broken = scratch.write("broken.pdf", "%PDF-1.4\nnothing here")
    #expect(throws: MediaToolError.self) { try sandbox.pdfPageCount(broken, workingFolder: scratch.url.path) }
  }

  @Test func aToolThatRunsPastTheTimeLimitIsKilled() throws {
    let scratch = Scratch()
    let heavy = MediaFixtures.path("heavy.mp4")  // made before the clock starts
    let slow = Sandbox(limits: SandboxLimits(wallSeconds: 0.5))
    let start = Date()
    #expect(throws: MediaToolError.timedOut(seconds: 0.5)) {
      try slow.run(
        VideoRendition(maxSide: 1280, hasAudio: false), input: heavy, demuxer: "mov",
        folder: scratch.url.path)
    }
    #expect(Date().timeIntervalSince(start) < 6, "killed long before the transcode could finish")
  }

  @Test func cancellingKillsTheToolAtOnce() throws {
    let scratch = Scratch()
    let heavy = MediaFixtures.path("heavy.mp4")  // made before the clock starts
    let start = Date()
    let cancellable = Sandbox(isCancelled: { Date().timeIntervalSince(start) > 0.3 })
    #expect(throws: MediaToolError.cancelled) {
      try cancellable.run(
        VideoRendition(maxSide: 1280, hasAudio: false), input: heavy, demuxer: "mov",
        folder: scratch.url.path)
    }
    #expect(Date().timeIntervalSince(start) < 6, "killed long before the transcode could finish")
  }

  @Test func theCPUAndMemoryLimitsStopATool() throws {
    let scratch = Scratch()
    let starved = Sandbox(limits: SandboxLimits(cpuSeconds: 1))
    #expect(throws: MediaToolError.overLimit("processor time")) {
      try starved.run(
        VideoRendition(maxSide: 1280, hasAudio: false), input: MediaFixtures.path("heavy.mp4"), demuxer: "mov",
        folder: scratch.url.path)
    }
    let small = Sandbox(limits: SandboxLimits(memoryBytes: 64 << 20))
    #expect(throws: MediaToolError.self) {
      try small.run(
        VideoRendition(maxSide: 1280, hasAudio: false), input: MediaFixtures.path("heavy.mp4"), demuxer: "mov",
        folder: scratch.url.path)
    }
  }

  @Test func aVideoRenditionIsH264AndAACUprightWithinItsSizeAndWithoutMetadata() throws {
    let scratch = Scratch()
    try sandbox.run(
      VideoRendition(maxSide: 160, hasAudio: true), input: MediaFixtures.path("phone.mov"), demuxer: "mov",
      folder: scratch.url.path)
    let made = scratch.path(VideoRendition.output)
    let facts = try sandbox.probe(made, workingFolder: scratch.url.path)
    #expect(facts.video?.codec == "h264" && facts.audio?.codec == "aac")
    #expect(facts.video?.rotation == 0)
    #expect(facts.video?.width == 120 && facts.video?.height == 160, "rotated upright, longest side 160")
    let bytes = FileManager.default.contents(atPath: made)!
    for secret in [MediaFixtures.location, MediaFixtures.movComment, "12.3456"] {
      #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is dropped")
    }
    // moov before mdat: the browser can start playing before the whole file arrives.
    let moov = bytes.range(of: Data("moov".utf8))?.lowerBound ?? .max
    let mdat = bytes.range(of: Data("mdat".utf8))?.lowerBound ?? .max
    #expect(moov < mdat)
  }

  @Test func aPosterFrameSaysHowBrightItIs() throws {
    let scratch = Scratch()
    let dark = scratch.path("dark")
    let lit = scratch.path("lit")
    for folder in [dark, lit] {
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    try sandbox.run(
      PosterFrame(at: 0.2, maxSide: 320), input: MediaFixtures.path("dark-start.mp4"), demuxer: "mov", folder: dark)
    try sandbox.run(
      PosterFrame(at: 5, maxSide: 320), input: MediaFixtures.path("dark-start.mp4"), demuxer: "mov", folder: lit)
    #expect((PosterFrame.meanBrightness(in: dark) ?? 255) < 10)
    #expect((PosterFrame.meanBrightness(in: lit) ?? 0) > 40)
    #expect(FileManager.default.fileExists(atPath: lit + "/" + PosterFrame.output))
  }

  @Test func pdfPagesRendersARangeOrOnePageAlone() throws {
    let scratch = Scratch()
    let pdf = MediaFixtures.path("private.pdf")
    #expect(try sandbox.pdfPageCount(pdf, workingFolder: scratch.url.path) == 3)
    try sandbox.run(PDFPages(maxPages: 2, dpi: 50), input: pdf, folder: scratch.url.path)
    #expect(
      PDFPages.pages(in: scratch.url.path).map { ($0 as NSString).lastPathComponent } == ["page-1.png", "page-2.png"])
    let alone = scratch.path("alone")
    try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
    try sandbox.run(PDFPages(page: 3, dpi: 50), input: pdf, folder: alone)
    #expect(PDFPages.pages(in: alone).map { ($0 as NSString).lastPathComponent } == ["page-3.png"])
  }
}
