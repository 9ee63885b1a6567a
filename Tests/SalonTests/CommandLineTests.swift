import Foundation
import SampleContent
import Testing

/// The built `salon`, run as an organiser runs it, on real zips and a real form export.
@Suite struct CommandLineTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }

  func salon(_ arguments: String..., in folder: URL? = nil) throws -> SalonRun {
    try Binary.run(arguments, in: folder)
  }

  /// A folder of zips as a call receives them, plus the portal's form export.
  func receiveSubmissions() -> (folder: String, form: String) {
    scratch.zip("incoming/24.zip", [("24_main .png", Parts.image), ("Title_Description.pdf", Parts.description)])
    scratch.zip(
      "incoming/25.zip",
      [
        ("Work/25_video.mp4", SampleVideo.mp4(seconds: 30, width: 16, height: 16, fps: 1)),
        ("Work/GoGo Musebots.pdf", Parts.description),
      ])
    scratch.zip("incoming/26.zip", [("26_main.svg", Array("<svg/>".utf8))])
    scratch.write("incoming/readme.txt", "not a zip, not ingested")
    let form = scratch.write(
      "form.csv",
      "\u{FEFF}Submission ID,Title,Authors,Email,\"Rights, to publish\",AI use\r\n24,\"Rain, again\",Ann,ann@x.org,Yes,None\r\n25,Musebots,\"Bo, Cy\",bo@x.org,Yes,Generated\r\n"
    )
    return (scratch.path("incoming"), form)
  }

  @Test func helpAndUsageErrorsUseTheirExitStatuses() throws {
    #expect(try salon("--help").status == 0)
    #expect(try salon("ingest", "--help").stdout.contains("--column FIELD=HEADER"))
    let none = try salon()
    #expect(none.status == 64)
    let unknown = try salon("exhibit")
    #expect(unknown.status == 64)
    #expect(unknown.stderr.contains("Unknown command \"exhibit\""))
    let badOption = try salon("ingest", "x.zip", "--frobnicate")
    #expect(badOption.status == 64)
    #expect(badOption.stderr.contains("Unknown option --frobnicate"))
    #expect(badOption.stderr.contains("Usage: salon ingest"))
    #expect(try salon("init").status == 64, "init without --title")
  }

  @Test func commandsOutsideAnArchiveSaySoPlainly() throws {
    let run = try salon("submissions", "list", "--archive", scratch.path("nowhere"))
    #expect(run.status == 1)
    #expect(run.stderr.contains("There is no Salon archive at"))
    #expect(run.stderr.contains("salon init --title"))
  }

  @Test func ingestsAFolderWithItsFormAndReportsJSON() throws {
    #expect(try salon("init", "--title", "Creative AI Salon", "--year", "2026", "--archive", archive).status == 0)
    let (folder, form) = receiveSubmissions()
    let run = try salon("ingest", folder, "--form", form, "--json", "--archive", archive)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.isEmpty, "no progress line in a pipe")
    let json = try Binary.json(run) as! [String: Any]
    let submissions = json["submissions"] as! [[String: Any]]
    #expect(submissions.map { $0["id"] as! String } == ["24", "25", "26"])
    #expect(submissions.map { $0["status"] as! String } == ["accepted", "accepted", "rejected"])
    for submission in submissions {
      #expect(Set(submission.keys).isSuperset(of: ["id", "zip", "status", "problems", "warnings", "files"]))
    }
    let files25 = submissions[1]["files"] as! [[String: Any]]
    #expect(files25.map { $0["role"] as! String } == ["video", "description"])
    #expect(files25[0]["duration"] as? Double == 30)
    #expect(Set(files25[0].keys).isSuperset(of: ["path", "role", "type", "size", "sha256"]))
    let problems26 = submissions[2]["problems"] as! [[String: Any]]
    #expect(problems26.map { $0["code"] as! String }.contains("svg-not-allowed"))
    #expect(problems26.first?["file"] as? String == "26_main.svg")

    let show = try salon("submissions", "show", "25", "--json", "--archive", archive)
    let detail = try Binary.json(show) as! [String: Any]
    let declarations = detail["declarations"] as! [String: Any]
    #expect(declarations["artists"] as? String == "Bo, Cy")
    #expect(declarations["aiUse"] as? String == "generated")
    #expect(declarations["rightsGranted"] as? String == "yes")
    #expect(declarations["authorshipAffirmed"] as? String == "unknown")
    #expect((detail["versions"] as! [[String: Any]]).count == 1)

    let list = try Binary.json(try salon("submissions", "list", "--json", "--archive", archive)) as! [[String: Any]]
    #expect(list.count == 3)
  }

  @Test func theHumanReportCountsAcceptedWarnedAndRejected() throws {
    _ = try salon("init", "--title", "Salon", "--archive", archive)
    let (folder, form) = receiveSubmissions()
    let run = try salon("ingest", folder, "--form", form, "--archive", archive)
    #expect(run.stdout.contains("3 zips: 0 accepted, 2 accepted with warnings, 1 rejected."))
    #expect(run.stdout.contains("svg-not-allowed"))
    #expect(run.stdout.contains("title ← \"Title\""))
    let again = try salon("ingest", folder, "--form", form, "--archive", archive)
    #expect(again.stdout.contains("(3 already in the archive, unchanged)"))
  }

  @Test func aMalformedFormIsRefusedWithItsLineBeforeAnythingIsIngested() throws {
    _ = try salon("init", "--title", "Salon", "--archive", archive)
    let (folder, _) = receiveSubmissions()
    let form = scratch.write("broken.csv", "id,title\n24,fine\n25,\"unclosed\n26,x\n")
    let run = try salon("ingest", folder, "--form", form, "--archive", archive)
    #expect(run.status == 1)
    #expect(run.stderr.contains("Line 3 of the form export is malformed"))
    let list = try Binary.json(try salon("submissions", "list", "--json", "--archive", archive)) as! [Any]
    #expect(list.isEmpty)
  }

  @Test func anExplicitColumnMapsAHeaderTheMatcherWouldNotGuess() throws {
    _ = try salon("init", "--title", "Salon", "--archive", archive)
    scratch.zip("z/24.zip", Parts.valid())
    let form = scratch.write("f.csv", "Submission ID,Name of the piece\n24,Tide\n")
    let run = try salon(
      "ingest", scratch.path("z"), "--form", form, "--column", "title=Name of the piece", "--archive", archive)
    #expect(run.status == 0)
    let show = try Binary.json(try salon("submissions", "show", "24", "--json", "--archive", archive)) as! [String: Any]
    #expect((show["declarations"] as! [String: Any])["title"] as? String == "Tide")
    let bad = try salon("ingest", scratch.path("z"), "--form", form, "--column", "colour=Name", "--archive", archive)
    #expect(bad.status == 64)
  }

  @Test func aFileThatCannotBeReadDoesNotStopTheBatch() throws {
    _ = try salon("init", "--title", "Salon", "--archive", archive)
    scratch.zip("in/1.zip", Parts.valid())
    scratch.zip("in/3.zip", Parts.valid("three"))
    try FileManager.default.createSymbolicLink(
      atPath: scratch.path("in/2.zip"), withDestinationPath: scratch.path("gone.zip"))
    let run = try salon("ingest", scratch.path("in"), "--archive", archive)
    #expect(run.status == 1)
    #expect(run.stderr.contains("2.zip"))
    #expect(run.stdout.contains("2 zips: "), "the zips before and after were ingested")
  }

  @Test func decisionsAreRecordedAndShown() throws {
    _ = try salon("init", "--title", "Salon", "--archive", archive)
    let (folder, form) = receiveSubmissions()
    _ = try salon("ingest", folder, "--form", form, "--archive", archive)
    #expect(try salon("submissions", "decide", "24", "selected", "--note", "Lovely", "--archive", archive).status == 0)
    let refused = try salon("submissions", "decide", "26", "selected", "--archive", archive)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("was rejected at ingest"))
    #expect(try salon("submissions", "decide", "24", "maybe", "--archive", archive).status == 64)
    let show = try salon("submissions", "show", "24", "--archive", archive)
    #expect(show.stdout.contains("Decision: selected (Lovely)"))
  }

  @Test func worksOnTheArchiveInTheCurrentFolderAndOnANamedEdition() throws {
    let folder = URL(fileURLWithPath: archive)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    #expect(try salon("init", "--title", "Salon", "--year", "2025", in: folder).status == 0)
    #expect(
      try salon("init", "--title", "Salon", "--year", "2026", "--max-video-seconds", "90", in: folder).status == 0)
    scratch.zip(
      "z/1.zip",
      [
        ("1_video.mp4", SampleVideo.mp4(seconds: 75, width: 16, height: 16, fps: 1)),
        ("1_description.pdf", Parts.description),
      ])
    let newest = try salon("ingest", scratch.path("z/1.zip"), "--json", in: folder)
    #expect(newest.stdout.contains("\"accepted\""))
    let older = try salon("ingest", scratch.path("z/1.zip"), "--json", "--exhibition", "salon-2025", in: folder)
    #expect(older.stdout.contains("video-too-long"))
  }
}
