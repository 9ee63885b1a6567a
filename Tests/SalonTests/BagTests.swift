import Foundation
import Testing

/// The BagIt package, validated by the reference `bagit` validator (PyPI `bagit`).
@Suite(.serialized) struct BagTests {
  @Test func theBagIsValidAndHoldsOriginalsRecordsAndTheSite() throws {
    let f = GalleryFixture()
    try f.setUp()
    let bag = f.scratch.path("bag")
    let run = try Binary.run(["bag", "-o", bag, "--site", "--archive", f.archive])
    #expect(run.status == 0, "\(run.stderr)")
    let validator = try Tool.run(["bagit.py", "--validate", bag])
    #expect(validator.status == 0, "\(validator.output)")
    #expect(validator.output.contains("is valid"))

    let info = try String(contentsOfFile: bag + "/bag-info.txt", encoding: .utf8)
    #expect(info.contains("Payload-Oxum: "))
    #expect(info.contains("Bagging-Date: "))
    for name in ["manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt", "bagit.txt"] {
      #expect(FileManager.default.fileExists(atPath: bag + "/" + name))
    }
    let works =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bag + "/data/records/works.json")))
      as! [[String: Any]]
    #expect(works.count == 6)
    let dawn = works.first {
      ($0["dublinCore"] as! [String: Any])["dc:identifier"] as? String == "creative-ai-salon-2026/1"
    }!
    let dc = dawn["dublinCore"] as! [String: Any]
    #expect(dc["dc:creator"] as? String == "Ann Lee")
    #expect((dc["dc:rights"] as? String)?.contains("granted non-exclusive rights") == true)
    let originals = dawn["originals"] as! [[String: Any]]
    let zip = bag + "/" + (originals[0]["file"] as! String)
    #expect(SHA.of(zip) == originals[0]["sha256"] as? String, "the zip as received")
    #expect(FileManager.default.fileExists(atPath: bag + "/data/records/events.json"))
    #expect(FileManager.default.fileExists(atPath: bag + "/data/site/index.html"))
    // Never over an existing folder.
    #expect(try Binary.run(["bag", "-o", bag, "--archive", f.archive]).status == 1)
  }

  /// An archive holding the submissions `x/y` (a form id) and `x_y` (a zip name).
  func collidingArchive(_ scratch: Scratch) throws -> String {
    let archive = scratch.path("archive")
    try Binary.run(["init", "--title", "Salon", "--archive", archive])
    scratch.zip("zips/a.zip", Parts.valid("a"))
    scratch.zip("zips/x_y.zip", Parts.valid("b"))
    let form = scratch.write("form.csv", "Submission ID,File,Title\nx/y,a.zip,Slash\n")
    let ingest = try Binary.run(["ingest", scratch.path("zips"), "--form", form, "--json", "--archive", archive])
    #expect(ingest.status == 0, "\(ingest.stderr)")
    #expect(ingest.stdout.contains("\"id\" : \"x/y\"") && ingest.stdout.contains("\"id\" : \"x_y\""))
    return archive
  }

  @Test func submissionsWhoseIdsDifferOnlyInPunctuationGetTheirOwnFolders() throws {
    let scratch = Scratch()
    let archive = try collidingArchive(scratch)
    let bag = scratch.path("bag")
    let run = try Binary.run(["bag", "-o", bag, "--archive", archive])
    #expect(run.status == 0, "\(run.stderr)")
    let validator = try Tool.run(["bagit.py", "--validate", bag])
    #expect(validator.status == 0, "\(validator.output)")
    let works =
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bag + "/data/records/works.json")))
      as! [[String: Any]]
    var files: [String: String] = [:]
    for work in works {
      let id = (work["dublinCore"] as! [String: Any])["dc:identifier"] as! String
      files[id] = (work["originals"] as! [[String: Any]])[0]["file"] as? String
    }
    let slash = try #require(files["salon-2026/x/y"] ?? files.first { $0.key.hasSuffix("/x/y") }?.value)
    let underscore = try #require(files.first { $0.key.hasSuffix("/x_y") }?.value)
    #expect(slash != underscore)
    // Each folder holds its own zip as received.
    #expect(SHA.of(bag + "/" + slash) == SHA.of(scratch.path("zips/a.zip")))
    #expect(SHA.of(bag + "/" + underscore) == SHA.of(scratch.path("zips/x_y.zip")))
  }

  @Test func aKilledBagsPartialFolderIsSweptByTheNextRunAndNothingElseIs() throws {
    let scratch = Scratch()
    let archive = try collidingArchive(scratch)
    // The id of a process that has ended: what a killed `salon bag` leaves in its folder's name.
    let ended = Process()
    ended.executableURL = URL(fileURLWithPath: "/bin/true")
    try ended.run()
    ended.waitUntilExit()
    let dead = ended.processIdentifier
    let out = scratch.path("out")
    scratch.write("out/.partial-\(dead)-old/data/originals/s/1/v1.zip", "zip as received")
    scratch.write("out/.partial-\(dead)-old/bagit.txt", "BagIt-Version: 1.0\n")
    scratch.write("out/.partial-\(dead)-mine/notes.txt", "not a bag")
    scratch.write("out/.partial-\(getpid())-running/data/x", "a bag being written now")
    scratch.write("elsewhere/data/keep.txt", "outside")
    try FileManager.default.createSymbolicLink(
      atPath: out + "/.partial-\(dead)-link", withDestinationPath: scratch.path("elsewhere"))

    let run = try Binary.run(["bag", "-o", out + "/bag", "--archive", archive])
    #expect(run.status == 0, "\(run.stderr)")
    let left = Set(try FileManager.default.contentsOfDirectory(atPath: out))
    #expect(
      left == ["bag", ".partial-\(dead)-mine", ".partial-\(getpid())-running", ".partial-\(dead)-link"],
      "only the dead run's own bag folder is swept")
    #expect(FileManager.default.fileExists(atPath: scratch.path("elsewhere/data/keep.txt")))
  }
}
