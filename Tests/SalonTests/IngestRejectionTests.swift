import Catalog
import Foundation
import Hashing
import Ingest
import SampleContent
import Testing

/// The corpus of hostile and broken zips: each is rejected with its stable code, the zip itself
/// is kept, nothing it unpacked is stored, and nothing is left in tmp/.
@Suite struct IngestRejectionTests {
  /// Ingests and checks the invariants every rejection keeps.
  func rejected(_ t: TestArchive, _ path: String) throws -> SubmissionReport {
    let report = try t.ingest(path)
    #expect(report.status == .rejected)
    #expect(t.temporaryFiles.isEmpty)
    let zipHash = SHA.of(path)
    #expect(t.storedFiles.map { ($0 as NSString).lastPathComponent } == [zipHash], "only the zip as received is stored")
    for problem in report.problems {
      #expect(!problem.message.isEmpty && problem.message.hasSuffix("."), "one plain sentence: \(problem.message)")
    }
    return report
  }

  @Test func acceptsAValidSubmissionAndStoresEveryFileByHash() throws {
    let t = TestArchive()
    let path = t.scratch.zip("7.zip", Parts.valid())
    let report = try t.ingest(path)
    #expect(report.status == .accepted)
    #expect(report.problems.isEmpty)
    #expect(report.files.map(\.role) == [.main, .description])
    #expect(report.files[0].width == 32 && report.files[0].height == 24)
    #expect(report.files[1].pages == 2)
    #expect(report.files[0].sha256 == SHA.of(bytes: Parts.image))
    // Stored once: the zip as received, each file addressed inside it by its hash.
    #expect(t.storedFiles.map { ($0 as NSString).lastPathComponent } == [SHA.of(path)])
    for file in report.files {
      #expect(try t.archive.storedFile(sha256: file.sha256).withPath { SHA.of($0) } == file.sha256)
    }
    #expect(t.temporaryFiles.isEmpty)
  }

  @Test func rejectsAFileThatIsNotAZip() throws {
    let t = TestArchive()
    let report = try rejected(t, t.scratch.write("notes.zip", "just some text, not a zip"))
    #expect(report.problemCodes == ["not-a-zip"])
  }

  @Test func rejectsJunkBeforeTheFirstLocalHeader() throws {
    let t = TestArchive()
    var zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description)])
    zip.prefix = Array("MZ self-extractor stub".utf8)
    let report = try rejected(t, t.scratch.write("sfx.zip", zip.bytes()))
    #expect(report.problemCodes == ["not-a-zip"])
  }

  @Test func rejectsAZipOverTheSizeLimit() throws {
    var limits = Limits()
    limits.maxZipBytes = 1000
    let t = TestArchive(limits: limits)
    let path = t.scratch.zip(
      "big.zip", Parts.valid() + [("x_supplementary_1.txt", Array(repeating: 65, count: 5000))], compress: false)
    let report = try rejected(t, path)
    #expect(report.problemCodes == ["zip-too-large"])
  }

  @Test func rejectsATruncatedZip() throws {
    let t = TestArchive()
    let whole = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description)]).bytes()
    let report = try rejected(t, t.scratch.write("cut.zip", Array(whole.prefix(whole.count / 3))))
    #expect(
      report.problemCodes.contains("zip-truncated") || report.problemCodes.contains("zip-corrupt")
        || report.problemCodes.contains("central-directory-missing"))
    #expect(!report.problems.isEmpty)
  }

  @Test func rejectsAMissingCentralDirectory() throws {
    let t = TestArchive()
    var zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description)])
    zip.omitCentralDirectory = true
    let report = try rejected(t, t.scratch.write("nocd.zip", zip.bytes()))
    #expect(report.problemCodes == ["central-directory-missing"])
  }

  @Test func rejectsACentralDirectoryThatDisagreesWithTheEntries() throws {
    let t = TestArchive()
    var zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description)])
    zip.declaredCount = 5
    let report = try rejected(t, t.scratch.write("count.zip", zip.bytes()))
    #expect(report.problemCodes == ["central-directory-mismatch"])
  }

  @Test func rejectsOverlappingEntries() throws {
    let t = TestArchive()
    var zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description)])
    zip.overlappingCopies = 3
    let report = try rejected(t, t.scratch.write("bomb.zip", zip.bytes()))
    #expect(report.problemCodes == ["overlapping-entries"])
  }

  @Test func rejectsEncryptedEntries() throws {
    let t = TestArchive()
    var secret = RawZip.Entry("a_main.png", Parts.image)
    secret.flags |= 1
    let report = try rejected(
      t, t.scratch.write("enc.zip", RawZip([secret, .init("a_description.pdf", Parts.description)]).bytes()))
    #expect(report.problemCodes.contains("encrypted-entry"))
  }

  @Test(arguments: [
    ("/etc/passwd", "absolute"), ("../../escape.txt", ".."), ("dir\\evil.txt", "backslash"),
    ("C:/Windows/x.txt", "drive letter"), ("bell\u{07}.txt", "control"), ("gnp.\u{202E}evil_main.png", "direction"),
    (String(repeating: "a", count: 300) + ".txt", "longer"),
  ])
  func rejectsUnsafeNames(name: String, reason: String) throws {
    let t = TestArchive()
    let zip = RawZip([
      .init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description), .init(name, "x"),
    ])
    let report = try rejected(t, t.scratch.write("names.zip", zip.bytes()))
    #expect(report.problemCodes == ["unsafe-name"])
    #expect(report.problems[0].message.contains(reason))
    #expect(!report.problems[0].message.contains("\u{202E}"), "direction characters are shown escaped")
  }

  @Test func rejectsSymbolicLinks() throws {
    let t = TestArchive()
    var link = RawZip.Entry("a_supplementary_1.txt", "/etc/passwd")
    link.unixMode = 0o120777
    let zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description), link])
    let report = try rejected(t, t.scratch.write("link.zip", zip.bytes()))
    #expect(report.problemCodes == ["link-entry"])
    #expect(!report.files.contains { $0.path == "a_supplementary_1.txt" })
  }

  @Test func rejectsDevicesAndPipes() throws {
    let t = TestArchive()
    var fifo = RawZip.Entry("pipe", "")
    fifo.unixMode = 0o010644
    let zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description), fifo])
    let report = try rejected(t, t.scratch.write("fifo.zip", zip.bytes()))
    #expect(report.problemCodes.contains("special-entry"))
  }

  @Test func rejectsNamesThatCollideAfterNormalisationAndCaseFolding() throws {
    let t = TestArchive()
    // "é" precomposed and decomposed, in different case.
    let zip = RawZip([
      .init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description),
      .init("caf\u{E9}_supplementary_1.txt", "one"), .init("CAFE\u{301}_supplementary_1.txt", "two"),
    ])
    let report = try rejected(t, t.scratch.write("dupes.zip", zip.bytes()))
    #expect(report.problemCodes == ["duplicate-name"])
  }

  @Test func rejectsTooManyEntries() throws {
    var limits = Limits()
    limits.maxEntries = 5
    let t = TestArchive(limits: limits)
    let extra = (1...6).map { ("a_supplementary_\($0).txt", Array("note \($0)".utf8)) }
    let report = try rejected(t, t.scratch.zip("many.zip", Parts.valid("a") + extra))
    #expect(report.problemCodes == ["too-many-entries"])
  }

  @Test func rejectsTooMuchUnpackedData() throws {
    var limits = Limits()
    limits.maxUnpackedBytes = 64 * 1024
    let t = TestArchive(limits: limits)
    let zeros = [UInt8](repeating: 0x20, count: 200 * 1024)
    let report = try rejected(t, t.scratch.zip("inflate.zip", Parts.valid("a") + [("a_supplementary_1.txt", zeros)]))
    #expect(report.problemCodes == ["too-much-data"])
  }

  @Test func rejectsAnEntryThatInflatesPastItsDeclaredSize() throws {
    let t = TestArchive()
    var liar = RawZip.Entry("a_supplementary_1.txt", Array(repeating: 0x41, count: 5000), deflate: true)
    liar.declaredSize = 10
    let zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description), liar])
    let report = try rejected(t, t.scratch.write("liar.zip", zip.bytes()))
    #expect(report.problemCodes.contains("size-mismatch") || report.problemCodes.contains("zip-corrupt"))
    #expect(report.problems.count == 1)
  }

  @Test func rejectsAnEntryThatUnpacksToLessThanDeclared() throws {
    let t = TestArchive()
    var short = RawZip.Entry("a_supplementary_1.txt", Array(repeating: 0x41, count: 500), deflate: true)
    short.declaredSize = 900
    let zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description), short])
    let report = try rejected(t, t.scratch.write("short.zip", zip.bytes()))
    #expect(report.problemCodes == ["size-mismatch"])
    #expect(report.problems.first?.file == "a_supplementary_1.txt")
  }

  @Test func rejectsNestedArchives() throws {
    let t = TestArchive()
    let inner = RawZip([.init("x.txt", "inner")]).bytes()
    let report = try rejected(t, t.scratch.zip("nested.zip", Parts.valid("a") + [("a_supplementary_1.zip", inner)]))
    #expect(report.problemCodes == ["nested-archive"])
  }

  @Test(arguments: [
    ("tool.exe", [UInt8](Array("MZ\u{90}\u{0}".utf8)) + [UInt8](repeating: 0, count: 60)),
    ("run.sh", Array("#!/bin/sh\nrm -rf /\n".utf8)), ("a_supplementary_2", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]),
  ])
  func rejectsExecutables(name: String, bytes: [UInt8]) throws {
    let t = TestArchive()
    let report = try rejected(t, t.scratch.zip("exe.zip", Parts.valid("a") + [(name, bytes)]))
    #expect(report.problemCodes == ["executable"])
  }

  @Test func rejectsContentThatDoesNotMatchItsExtension() throws {
    let t = TestArchive()
    let report = try rejected(
      t, t.scratch.zip("mismatch.zip", [("a_main.jpg", Parts.image), ("a_description.pdf", Parts.description)]))
    #expect(report.problemCodes == ["type-mismatch"])
    #expect(report.problems[0].message.contains("image/png"))
  }

  @Test func refusesSVGAndHTMLWithAdvice() throws {
    let t = TestArchive()
    let svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
    let report = try rejected(
      t,
      t.scratch.zip(
        "markup.zip",
        [
          ("a_main.svg", Array(svg.utf8)), ("a_supplementary_1.html", Array("<!DOCTYPE html><p>hi".utf8)),
          ("a_description.pdf", Parts.description),
        ]))
    #expect(report.problemCodes.contains("svg-not-allowed"))
    #expect(report.problemCodes.contains("html-not-allowed"))
    #expect(report.problems.first { $0.code == "svg-not-allowed" }!.message.contains("PNG or PDF"))
  }

  @Test func rejectsFormatsOutsideTheAllowList() throws {
    let t = TestArchive()
    let report = try rejected(
      t,
      t.scratch.zip(
        "fmt.zip", Parts.valid("a") + [("a_supplementary_1.psd", Array("8BPS\u{0}\u{1}".utf8) + [0, 0, 0xFF, 0xFE])]))
    #expect(report.problemCodes == ["format-not-allowed"])
  }

  @Test func rejectsASubmissionWithNoMainWorkOrVideo() throws {
    let t = TestArchive()
    let report = try rejected(t, t.scratch.zip("nomain.zip", [("a_description.pdf", Parts.description)]))
    #expect(report.problemCodes == ["no-main-work"])
  }

  @Test func rejectsASubmissionWithNoDescription() throws {
    let t = TestArchive()
    let report = try rejected(t, t.scratch.zip("nodesc.zip", [("a_main.png", Parts.image)]))
    #expect(report.problemCodes == ["no-description"])
  }

  @Test func rejectsADescriptionOverThePageLimit() throws {
    let t = TestArchive()
    let report = try rejected(
      t, t.scratch.zip("long.zip", [("a_main.png", Parts.image), ("a_description.pdf", SampleMedia.pdf(pages: 3))]))
    #expect(report.problemCodes == ["description-too-long"])
    #expect(report.problems[0].message.contains("3 pages"))
  }

  @Test func countsPagesHiddenInCompressedObjectStreams() throws {
    let t = TestArchive()
    let report = try rejected(
      t,
      t.scratch.zip(
        "objstm.zip",
        [("a_main.png", Parts.image), ("a_description.pdf", SampleMedia.pdf(pages: 4, objectStreams: true))]))
    #expect(report.problemCodes == ["description-too-long"])
  }

  @Test func rejectsAVideoOverTheDurationLimit() throws {
    let t = TestArchive()
    let report = try rejected(
      t,
      t.scratch.zip(
        "film.zip",
        [
          ("a_video.mp4", SampleVideo.mp4(seconds: 61.5, width: 16, height: 16, fps: 2)),
          ("a_description.pdf", Parts.description),
        ]))
    #expect(report.problemCodes == ["video-too-long"])
    #expect(report.files.first { $0.role == .video }?.duration == 61.5)
  }

  @Test func rejectsAnImageOverThePixelLimit() throws {
    var limits = Limits()
    limits.maxPixels = 1_000_000
    let t = TestArchive(limits: limits)
    // A PNG header that claims 20000 × 20000 pixels; the header is all Salon reads.
    var png = SampleMedia.png(width: 2, height: 2)
    png.replaceSubrange(16..<24, with: SampleMedia.bigEndian32(20_000) + SampleMedia.bigEndian32(20_000))
    let report = try rejected(
      t, t.scratch.zip("huge.zip", [("a_main.png", png), ("a_description.pdf", Parts.description)]))
    #expect(report.problemCodes == ["image-too-large"])
  }

  @Test func reportsEveryReasonNotOnlyTheFirst() throws {
    let t = TestArchive()
    let report = try rejected(
      t,
      t.scratch.zip(
        "many-problems.zip",
        [
          ("a_main.jpg", Parts.image), ("a_supplementary_1.svg", Array("<svg></svg>".utf8)),
        ]))
    #expect(Set(report.problemCodes) == ["type-mismatch", "svg-not-allowed", "no-description"])
  }
}

enum SHA {
  static func of(_ path: String) -> String { of(bytes: Array(FileManager.default.contents(atPath: path)!)) }
  static func of(bytes: [UInt8]) -> String {
    try! SHA256Hasher.hash(bytes)
  }
}

/// A zip damaged in transit: its table of contents is perfect, one stored file's bytes are not.
@Suite struct DamagedZipTests {
  let scratch = Scratch()

  func damagedSubmission() -> String {
    let main = RawZip.Entry("a_main.png", Parts.image)
    var bytes = RawZip([main, .init("a_description.pdf", Parts.description)]).bytes()
    bytes[30 + main.name.count + Parts.image.count / 2] ^= 0x01
    return scratch.write("damaged.zip", bytes)
  }

  @Test func theSalonCommandRejectsAFileWhoseChecksumFails() throws {
    let archive = scratch.path("archive")
    #expect(try Binary.run(["init", "--title", "Salon", "--archive", archive]).status == 0)
    let zip = damagedSubmission()
    let run = try Binary.run(["ingest", zip, "--json", "--archive", archive])
    let submissions = (try Binary.json(run) as! [String: Any])["submissions"] as! [[String: Any]]
    #expect(submissions.map { $0["status"] as! String } == ["rejected"])
    let problems = submissions[0]["problems"] as! [[String: Any]]
    #expect(problems.map { $0["code"] as! String } == ["crc-mismatch"])
    #expect(problems.first?["file"] as? String == "a_main.png")
    #expect((problems.first?["message"] as? String)?.contains("checksum does not match") == true)
    let stored = try FileManager.default.subpathsOfDirectory(atPath: archive + "/store/sha256").filter { $0.count > 3 }
    #expect(stored.map { ($0 as NSString).lastPathComponent } == [SHA.of(zip)], "only the zip as received is kept")

    let other = scratch.path("other")
    #expect(try Binary.run(["init", "--title", "Salon", "--archive", other]).status == 0)
    let human = try Binary.run(["ingest", zip, "--archive", other])
    #expect(human.stdout.contains("1 rejected"), "\(human.stdout)")
    #expect(human.stdout.contains("crc-mismatch"))
  }
}
