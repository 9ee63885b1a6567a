import Foundation
import SampleContent
import Testing

/// Issue 21: ingest holds a bounded number of descriptors, whatever a batch or a zip holds, so a
/// low limit on open files never loses a zip.
@Suite struct DescriptorTests {
  /// Runs `salon` under `ulimit -n LIMIT`, as a shell with a low soft limit would.
  static func salon(limit: Int, _ arguments: [String]) throws -> SalonRun {
    try Binary.run(arguments, shellFirst: "ulimit -n \(limit)", timeout: 600)
  }

  @Test func eightOrdinaryZipsAndOneOfTwoThousandFilesAreIngestedWholeUnderALowLimit() throws {
    let scratch = Scratch()
    let archive = scratch.path("archive")
    let created = try Binary.run([
      "init", "--title", "Limits", "--year", "2026", "--max-files", "3000", "--archive", archive,
    ])
    #expect(created.status == 0, "\(created.stderr)")
    // Eight ordinary zips: a main image, a description and 40 supplementary notes each, more
    // files in one batch than the limit allows descriptors. (Notes, not pictures: a picture is
    // decoded in the sandbox, which costs time and says nothing about descriptors.)
    for n in 1...8 {
      var files = Parts.valid("\(n)")
      for s in 1...40 { files.append(("\(n)_supplementary_\(s).txt", Array("Note \(s) of work \(n).\n".utf8))) }
      scratch.zip("in/\(n).zip", files)
    }
    // And one of 2,000 files, each different, so each is stored on its own.
    var large = Parts.valid("9")
    for s in 1...1998 {
      large.append(("9_supplementary_\(s).txt", Array("Note \(s) of work 9.\n".utf8)))
    }
    scratch.zip("in/9.zip", large)

    let run = try Self.salon(limit: 256, ["ingest", scratch.path("in"), "--json", "--archive", archive])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(!run.stderr.contains("Too many open files"), "\(run.stderr)")
    let json = try #require(try Binary.json(run) as? [String: Any], "\(run.stdout.prefix(500)) \(run.stderr)")
    let reports = try #require(json["submissions"] as? [[String: Any]])
    #expect(reports.count == 9)
    for report in reports {
      #expect(report["status"] as? String == "accepted", "\(report["id"] ?? "?"): \(report["problems"] ?? [])")
    }
    let nine = try #require(reports.first { $0["id"] as? String == "9" })
    #expect((nine["files"] as? [Any])?.count == 2000)

    // Every file is in the archive, whole: the store verifies each against its hash.
    let listed = try Binary.run(["submissions", "list", "--json", "--archive", archive])
    #expect((try Binary.json(listed) as? [Any])?.count == 9, "\(listed.stdout.prefix(300))")
    let verified = try Binary.run(["verify", "--archive", archive])
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
  }
}
