import Catalog
import Foundation
import SampleContent
import Testing

/// Hostile numbers and paths that used to trap (exit 132) or hang the whole batch: each becomes a
/// clear problem for its own zip, and the zips after it are still ingested.
@Suite struct HostileInputTests {
  let scratch = Scratch()

  /// Ingests the folder with the real binary (killed after `timeout` seconds) and returns the
  /// reports by zip name, checking that the batch ran to its end.
  func ingest(_ folder: String, timeout: TimeInterval = 60) throws -> [String: SubmissionReport] {
    let archive = scratch.path("archive")
    try Binary.run(["init", "--title", "Salon", "--archive", archive])
    let run = try Binary.run(["ingest", folder, "--json", "--archive", archive], timeout: timeout)
    #expect(run.status == 0, "\(run.stderr)")
    struct Output: Decodable { var submissions: [SubmissionReport] }
    let output = try JSONDecoder().decode(Output.self, from: Data(run.stdout.utf8))
    let reports = Dictionary(output.submissions.map { ($0.zip, $0) }) { first, _ in first }
    #expect(reports["z-valid.zip"]?.status == .accepted, "the batch goes on after the hostile zip")
    return reports
  }

  func addValidZip(_ folder: String) {
    scratch.zip("\(folder)/z-valid.zip", Parts.valid())
  }

  /// A PNG header declaring `width` × `height` pixels, with no pixels behind it.
  static func pngHeader(width: Int, height: Int) -> [UInt8] {
    var ihdr = Array("IHDR".utf8) + SampleMedia.bigEndian32(width) + SampleMedia.bigEndian32(height)
    ihdr += [8, 2, 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + SampleMedia.bigEndian32(13) + ihdr + [0, 0, 0, 0]
  }

  /// A little-endian TIFF whose first directory declares `width` × `height` (LONG values).
  static func tiffHeader(width: Int, height: Int) -> [UInt8] {
    let le = SampleMedia.littleEndian32
    var out: [UInt8] = [0x49, 0x49, 0x2A, 0x00] + le(8) + [2, 0]
    out += [0x00, 0x01, 4, 0] + le(1) + le(width)
    out += [0x01, 0x01, 4, 0] + le(1) + le(height)
    return out + le(0)
  }

  @Test func imageHeadersDeclaringFourBillionSquaredPixelsAreTooLarge() throws {
    scratch.zip(
      "batch/png.zip",
      [
        ("a_main.png", Self.pngHeader(width: 0xFFFF_FFFF, height: 0xFFFF_FFFF)),
        ("a_description.pdf", Parts.description),
      ])
    scratch.zip(
      "batch/tiff.zip",
      [
        ("b_main.tif", Self.tiffHeader(width: 0xFFFF_FFFF, height: 0xFFFF_FFFF)),
        ("b_description.pdf", Parts.description),
      ])
    addValidZip("batch")
    let reports = try ingest(scratch.path("batch"))
    for name in ["png.zip", "tiff.zip"] {
      let report = try #require(reports[name])
      #expect(report.status == .rejected)
      #expect(report.problems.map(\.code) == ["image-too-large"])
      #expect(report.problems.first?.message.contains("4294967295 × 4294967295 pixels") == true)
    }
  }

  @Test func aSupplementaryNumberPastIntsRangeIsNumberedAfterTheOthers() throws {
    scratch.zip(
      "batch/big-number.zip",
      Parts.valid("x") + [
        ("x_supplementary_9223372036854775807.png", Parts.image),
        ("x_supplementary_99999999999999999999.png", Parts.image),
        ("x_supplementary_2.png", Parts.image), ("x_supplementary.png", Parts.image),
      ])
    addValidZip("batch")
    let report = try #require(try ingest(scratch.path("batch"))["big-number.zip"])
    #expect(report.status == .accepted)
    let numbers = Dictionary(uniqueKeysWithValues: report.files.map { ($0.path, $0.number) })
    #expect(numbers["x_supplementary_2.png"] == 2)
    #expect(numbers["x_supplementary_9223372036854775807.png"] == 3)
    #expect(numbers["x_supplementary_99999999999999999999.png"] == 4)
    #expect(numbers["x_supplementary.png"] == 5)
    #expect(report.warnings.contains { $0.message.contains("its number is too large to keep") })
  }

  @Test func aZip64EndRecordWhoseSizePlusOffsetOverflowsIsADamagedTableOfContents() throws {
    var zip = RawZip([.init("a_main.png", Parts.image), .init("a_description.pdf", Parts.description)])
    zip.zip64Directory = (size: 0x7FFF_FFF0_0000_0000, offset: 0x7FFF_FFF0_0000_0000)
    scratch.write("batch/zip64.zip", zip.bytes())
    addValidZip("batch")
    let report = try #require(try ingest(scratch.path("batch"))["zip64.zip"])
    #expect(report.status == .rejected)
    #expect(report.problems.map(\.code) == ["central-directory-mismatch"])
  }

  @Test func aPipeOrALinkToADeviceIsRefusedAtOnceAndTheBatchGoesOn() throws {
    try FileManager.default.createDirectory(atPath: scratch.path("batch"), withIntermediateDirectories: true)
    #expect(mkfifo(scratch.path("batch/a.zip"), 0o644) == 0)
    try FileManager.default.createSymbolicLink(atPath: scratch.path("batch/b.zip"), withDestinationPath: "/dev/zero")
    addValidZip("batch")
    let started = Date()
    let reports = try ingest(scratch.path("batch"), timeout: 30)
    #expect(Date().timeIntervalSince(started) < 30, "ingest did not hang")
    for name in ["a.zip", "b.zip"] {
      let report = try #require(reports[name])
      #expect(report.status == .rejected)
      #expect(report.problems.map(\.code) == ["not-a-regular-file"])
      #expect(report.problems.first?.message.contains("Salon reads only ordinary zip files") == true)
    }
  }

  @Test func aFormSheetOrDecisionsFileThatIsAPipeADeviceOrAFolderIsRefusedAtOnce() throws {
    let archive = scratch.path("named")
    try Binary.run(["init", "--title", "Salon", "--archive", archive])
    addValidZip("in")
    #expect(mkfifo(scratch.path("pipe.csv"), 0o644) == 0)
    try FileManager.default.createSymbolicLink(atPath: scratch.path("zero.csv"), withDestinationPath: "/dev/zero")
    try FileManager.default.createDirectory(atPath: scratch.path("folder.csv"), withIntermediateDirectories: true)
    for name in ["pipe.csv", "zero.csv", "folder.csv"] {
      let path = scratch.path(name)
      for (arguments, what) in [
        (["ingest", scratch.path("in"), "--form", path], "the form export"),
        (["jury", "import", path], "the sheet"),
        (["submissions", "decide", "--csv", path], "the decisions file"),
      ] {
        let run = try Binary.run(arguments + ["--archive", archive], timeout: 30)
        #expect(run.status != 0 && run.status != 9, "\(arguments) was refused, not killed by the time limit")
        #expect(
          run.stderr.contains(
            "\(path) is a folder, a device or a pipe, not an ordinary file; Salon reads \(what) only from a file."),
          "\(arguments): \(run.stderr)")
      }
    }
    let list = try Binary.run(["submissions", "list", "--json", "--archive", archive])
    #expect(!list.stdout.contains("\"id\""), "nothing was ingested with a form that could not be read")
  }
}
