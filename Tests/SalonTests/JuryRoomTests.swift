import Foundation
import SampleContent
import Testing

/// A call with a film, a sound piece, a poem and pictures, exported, then a jury room built from
/// the gallery's media, walked and scored by a juror in headless Chromium from `file://`.
struct JuryRoomCall {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  static let poem = "The river keeps a ledger of the rain,\nand every stone is written down twice.\n"
  static let description = SampleMedia.pdf(pages: 1, title: "About")

  /// Works 1–4 for the juror; 5 is the juror's own (a conflict), 6 was never ingested for them.
  func setUp() throws {
    #expect(try Binary.run(["init", "--title", "Room Salon", "--year", "2026", "--archive", archive]).status == 0)
    let works: [(String, [(String, [UInt8])])] = [
      ("1", [("1_main.mov", MediaFixtures.bytes("flat.mov"))]),
      ("2", [("2_main.ogg", MediaFixtures.bytes("tone.ogg"))]),
      ("3", [("3_main.txt", Array(Self.poem.utf8))]),
      (
        "4",
        [("4_main.png", SampleMedia.png(width: 64, height: 48)), ("4_supplementary_1.pdf", SampleMedia.pdf(pages: 2))]
      ),
      ("5", [("5_main.png", SampleMedia.png(width: 40, height: 30))]),
    ]
    var form =
      "id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement\n"
    for (id, files) in works {
      scratch.zip("in/\(id).zip", files + [("\(id)_description.pdf", Self.description)])
      let link = id == "4" ? "https://example.org/piece" : ""
      form +=
        "\(id),Work \(id),Artist Person\(id),person\(id)@private.example,Medium \(id),Statement \(id).,,\(link),yes,Venue \(id),no,yes,yes,assisted,AI note \(id).\n"
    }
    scratch.write("form.csv", form)
    let ingest = try Binary.run([
      "ingest", scratch.path("in"), "--form", scratch.path("form.csv"), "--archive", archive,
    ])
    #expect(ingest.stdout.contains("5 zips: 5 accepted"), "\(ingest.stdout)")
    for id in ["1", "2", "3", "4", "5"] {
      #expect(try Binary.run(["submissions", "decide", id, "selected", "--archive", archive]).status == 0)
    }
    let export = try Binary.run(["export", "-o", scratch.path("gallery"), "--archive", archive])
    #expect(export.status == 0, "\(export.stderr)")
    for name in ["Dana Juror", "Eli Juror"] {
      #expect(try Binary.run(["jury", "add", name, "--archive", archive]).status == 0)
    }
    #expect(try Binary.run(["jury", "conflict", "dana-juror", "5", "--archive", archive]).status == 0)
    #expect(try Binary.run(["jury", "assign", "--archive", archive]).status == 0)
    // These rooms show the descriptions (as page images), which the default leaves out.
    #expect(
      try Binary.run(["exhibition", "room-descriptions", "room-salon-2026", "shown", "--archive", archive]).status == 0)
  }

  func room(_ arguments: [String]) throws -> [String: Any] {
    let run = try Binary.run(["jury", "room"] + arguments + ["--json", "--archive", archive])
    #expect(run.status == 0, "\(run.stderr)")
    return try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
  }

  /// Every file under `folder`, by relative path.
  func files(in folder: String) -> [String: Data] {
    var found: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let path = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder)
      if !isFolder.boolValue { found[path] = FileManager.default.contents(atPath: folder + "/" + path) }
    }
    return found
  }

  /// The SHA-256 of each stored file of a work, from `submissions show --json`.
  func storedHashes(_ id: String) throws -> [String] {
    let run = try Binary.run(["submissions", "show", id, "--json", "--archive", archive])
    return run.stdout.components(separatedBy: "\"sha256\"").dropFirst().compactMap { part in
      part.split(separator: "\"").dropFirst().first.map(String.init)
    }.filter { $0.count == 64 }
  }
}

@Suite(.serialized) struct JuryRoomTests {
  @Test func aJurorWatchesListensReadsScoresReloadsAndSavesAndTheOrganiserImports() throws {
    let call = JuryRoomCall()
    try call.setUp()
    let folder = call.scratch.path("room-dana")
    let report = try call.room(["dana-juror", "-o", folder, "--zip"])
    // Everything the gallery had came from its cache; only the description PDF (one file, the
    // same in every zip, which the gallery never shows) and work 4's supplement were made.
    #expect(report["gallery"] as? String != nil)
    #expect(report["derivativesMade"] as? Int == 1, "\(report)")
    let rooms = report["rooms"] as! [[String: Any]]
    #expect(rooms.first?["works"] as? Int == 4)
    #expect(FileManager.default.fileExists(atPath: folder + ".zip"))

    // The conflicted work is absent down to its files; no artist name or email in any file.
    let files = call.files(in: folder)
    let html = String(decoding: files["index.html"]!, as: UTF8.self)
    for id in ["1", "2", "3", "4"] { #expect(html.contains("data-work=\"\(id)\"")) }
    #expect(!html.contains("data-work=\"5\"") && !html.contains("Work 5"))
    // (Every zip carries the same description PDF; work 5's own files are the rest.)
    let conflicted = Set(try call.storedHashes("5")).subtracting(try call.storedHashes("1"))
    #expect(!conflicted.isEmpty)
    for sha in conflicted { #expect(!files.keys.contains { $0.contains(sha) }, "work 5's \(sha) in the room") }
    for (path, data) in files {
      let text = String(decoding: data, as: UTF8.self)
      #expect(!text.contains("Artist Person") && !text.contains("private.example"), "\(path) names an artist")
    }
    #expect(!files.keys.contains { $0.hasSuffix(".pdf") }, "PDFs only as page images")
    #expect(html.contains("Venue 1") && html.contains("Under review elsewhere") && html.contains("AI note 2"))
    #expect(html.contains("leaves the jury room"))

    // Built again with nothing changed: no media work.
    let again = try call.room(["dana-juror", "-o", folder])
    #expect(again["derivativesMade"] as? Int == 0)

    let downloads = call.scratch.path("downloads")
    try FileManager.default.createDirectory(atPath: downloads, withIntermediateDirectories: true)
    let result = try Chromium.run(["room", folder + "/index.html", downloads]) as! [String: Any]
    #expect(result["articles"] as? [String] == ["1", "2", "3", "4"])
    #expect(result["walked"] as? [[String]] == [["1"], ["2"], ["3"], ["4"]], "the arrow key walks the works")
    let players = result["players"] as! [[String: Any]]
    #expect(Set(players.compactMap { $0["kind"] as? String }) == ["audio", "video"])
    for player in players {
      #expect((player["advanced"] as? Double ?? 0) > 0.2, "\(player)")
    }
    let texts = result["texts"] as! [[String: Any]]
    #expect(texts.contains { ($0["text"] as? String)?.contains("every stone is written down twice") == true })
    #expect(texts.allSatisfy { ($0["height"] as? Double ?? 0) > 20 })
    for image in result["images"] as! [[String: Any]] { #expect(image["loaded"] as? Bool == true, "\(image)") }
    let requests = result["requests"] as! [String]
    #expect(requests.allSatisfy { $0.hasPrefix("file://") || $0.hasPrefix("data:") }, "\(requests)")
    let typed = result["typed"] as! [String: [String: Int]]
    let kept = result["kept"] as! [String: [String: Int]]
    #expect(kept == typed, "every score kept across a reload")
    #expect(result["comment"] as? String == "Kept across a reload")
    #expect(result["progressAfter"] as? String == "4 of 4 scored")
    #expect((result["message"] as? String)?.contains("send that file to the organisers") == true)

    let saved = try #require(result["saved"] as? String)
    let imported = try Binary.run(["jury", "import", saved, "--archive", call.archive])
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.contains("4 of 4 works scored"))
    let standings = try Binary.run(["prize", "export-scores", "--format", "json", "--archive", call.archive])
    let scores =
      (try JSONSerialization.jsonObject(with: Data(standings.stdout.utf8)) as! [String: Any])["scores"]
      as! [[String: Any]]
    for (work, values) in typed {
      for (criterion, value) in values {
        let row = scores.first { $0["submission"] as? String == work && $0["criterion"] as? String == criterion }
        #expect(row?["raw"] as? Int == value, "work \(work) \(criterion)")
      }
    }
    let table = try Binary.run(["prize", "standings", "--archive", call.archive])
    #expect(table.status == 0 && table.stdout.contains("Work 1"), "\(table.stdout)")

    // Issuing a room is in the log.
    let log = try Binary.run(["log", "--archive", call.archive])
    #expect(log.stdout.contains("jury-room"), "\(log.stdout)")
  }

  @Test func everyJurorGetsARoomNamesOnlyWhenAskedAndNeverEmails() throws {
    let call = JuryRoomCall()
    try call.setUp()
    let output = call.scratch.path("rooms")
    let report = try call.room(["--all", "-o", output, "--show-artists"])
    let rooms = report["rooms"] as! [[String: Any]]
    #expect(rooms.compactMap { $0["juror"] as? String }.sorted() == ["dana-juror", "eli-juror"])
    #expect(rooms.first { $0["juror"] as? String == "eli-juror" }?["works"] as? Int == 5)
    let eli = String(decoding: FileManager.default.contents(atPath: output + "/eli-juror/index.html")!, as: UTF8.self)
    #expect(eli.contains("Artist Person5"))
    for (path, data) in call.files(in: output) {
      #expect(!String(decoding: data, as: UTF8.self).contains("private.example"), "\(path) holds an email")
    }
    // On a 390 px wide phone: no work makes the page scroll sideways, every score field is on
    // screen, big enough to tap, uncovered and takes what is typed; axe-core finds nothing, in
    // the light and the dark scheme, with every work shown.
    let phone = try Chromium.run(["phone", output + "/eli-juror/index.html"]) as! [String: Any]
    let works = phone["works"] as! [[String: Any]]
    #expect(works.count == 5)
    for work in works {
      let viewport = work["viewport"] as! Double
      #expect(viewport == 390 && (work["scrollWidth"] as! Double) <= viewport, "\(work)")
      #expect((work["wide"] as! [String]).isEmpty, "\(work)")
      let fields = work["fields"] as! [[String: Any]]
      #expect(fields.count == 3, "\(work)")
      for field in fields {
        #expect((field["left"] as! Double) >= 0 && (field["right"] as! Double) <= viewport, "\(field)")
        #expect((field["height"] as! Double) >= 24 && (field["width"] as! Double) >= 44, "\(field)")
        #expect(field["onTop"] as? Bool == true && field["value"] as? String == field["typed"] as? String, "\(field)")
      }
    }
    #expect(phone["progress"] as? String == "5 of 5 scored")
    #expect((phone["violations"] as! [Any]).isEmpty, "\(phone["violations"]!)")
    #expect((phone["darkViolations"] as! [Any]).isEmpty, "\(phone["darkViolations"]!)")

    // Built again: no media work at all.
    let again = try call.room(["--all", "-o", output])
    #expect(again["derivativesMade"] as? Int == 0)
    // An organiser's own folder is never written into.
    call.scratch.write("mine/notes.txt", "mine")
    let refused = try Binary.run([
      "jury", "room", "dana-juror", "-o", call.scratch.path("mine"), "--archive", call.archive,
    ])
    #expect(refused.status == 1 && refused.stderr.contains("not made by `salon jury room`"), "\(refused.stderr)")
  }

  @Test func aConflictDeclaredAfterAssignmentTakesTheWorkOutOfTheRoomAndSheetsDownToItsFiles() throws {
    let call = JuryRoomCall()
    try call.setUp()
    let folder = call.scratch.path("room-dana")
    _ = try call.room(["dana-juror", "-o", folder, "--zip"])
    let film = Set(try call.storedHashes("1")).subtracting(try call.storedHashes("2"))
    #expect(call.files(in: folder).keys.contains { path in film.contains { path.contains($0) } })
    // Scored first, so the assignment itself stays (its history too); the conflict still takes it out.
    let score = try Binary.run([
      "jury", "score", "dana-juror", "1", "--merit", "6", "--relevance", "6", "--archive", call.archive,
    ])
    #expect(score.status == 0, "\(score.stderr)")
    #expect(try Binary.run(["jury", "conflict", "dana-juror", "1", "--archive", call.archive]).status == 0)

    let report = try call.room(["dana-juror", "-o", folder, "--zip"])
    #expect((report["rooms"] as! [[String: Any]]).first?["works"] as? Int == 3)
    let files = call.files(in: folder)
    let html = String(decoding: files["index.html"]!, as: UTF8.self)
    #expect(!html.contains("data-work=\"1\"") && !html.contains("Work 1<"))
    for sha in film { #expect(!files.keys.contains { $0.contains(sha) }, "work 1's \(sha) is still in the room") }
    let zip = try Tool.run(["bsdtar", "-tf", folder + ".zip"])
    #expect(zip.status == 0 && zip.output.contains("index.html"), "\(zip.output)")
    for sha in film { #expect(!zip.output.contains(sha), "work 1's \(sha) is still in the room's zip") }

    let csv = try Binary.run(["jury", "sheet", "dana-juror", "--archive", call.archive])
    #expect(csv.status == 0 && csv.stdout.contains(",3,") && !csv.stdout.contains(",1,Work 1,"), "\(csv.stdout)")
    let sheet = call.scratch.path("dana.html")
    let html2 = try Binary.run([
      "jury", "sheet", "dana-juror", "--format", "html", "-o", sheet, "--archive", call.archive,
    ])
    #expect(html2.status == 0, "\(html2.stderr)")
    let page = String(decoding: FileManager.default.contents(atPath: sheet) ?? Data(), as: UTF8.self)
    #expect(page.contains("Work 2") && !page.contains("Work 1"))
  }

  @Test func roomsAndExportsShareOneDerivativeCacheInTheArchive() throws {
    let call = JuryRoomCall()
    try call.setUp()
    // The first room makes what the gallery lacks (the description's pages) into the cache ...
    let dana = try call.room(["dana-juror", "-o", call.scratch.path("dana"), "--gallery", call.scratch.path("none")])
    #expect(dana["derivativesMade"] as? Int ?? 0 >= 1, "\(dana)")
    let cache = call.archive + "/cache/derivatives"
    let entries = call.files(in: cache).keys.filter { $0.hasSuffix("/entry.json") }
    #expect(!entries.isEmpty)
    let partial = call.files(in: cache).keys.filter { $0.contains(".partial-") }
    #expect(partial.isEmpty, "\(partial)")
    // ... so another juror's room, built on its own, makes nothing. Its files are copies of the
    // cache's, never second names for them (a mode belongs to every name of a file, and the
    // cache stays private whatever a gallery shows): each is its own file, the owner's alone.
    let eli = try call.room(["eli-juror", "-o", call.scratch.path("eli")])
    #expect(eli["derivativesMade"] as? Int == 0, "\(eli)")
    let copied = call.files(in: call.scratch.path("eli")).keys.filter { $0.hasPrefix("media/") }
    #expect(!copied.isEmpty)
    for path in copied {
      var status = stat()
      #expect(lstat(call.scratch.path("eli") + "/" + path, &status) == 0, "\(path)")
      #expect(status.st_nlink == 1 && status.st_mode & 0o077 == 0, "\(path)")
    }

    // A gallery exported after the jury is assigned prepares the rooms: a new call's first room
    // after its export makes nothing at all, descriptions included.
    let other = JuryRoomCall()
    try other.setUp()
    let export = try Binary.run(["export", "-o", other.scratch.path("gallery"), "--archive", other.archive])
    #expect(export.status == 0, "\(export.stderr)")
    let first = try other.room(["dana-juror", "-o", other.scratch.path("dana")])
    #expect(first["derivativesMade"] as? Int == 0, "\(first)")
    #expect(first["derivativesReused"] as? Int ?? 0 >= 5, "\(first)")
    // The room shows the description's pages, never the PDF itself.
    #expect(!other.files(in: other.scratch.path("dana")).keys.contains { $0.hasSuffix(".pdf") })
  }

  @Test func firefoxOpensTheRoomFromDiskPlaysItsMediaAndKeepsAScoreAcrossAReload() throws {
    let call = JuryRoomCall()
    try call.setUp()
    let folder = call.scratch.path("room-dana")
    _ = try call.room(["dana-juror", "-o", folder])
    let result = try Chromium.run(["room", folder + "/index.html"], driver: "bidi.py") as! [String: Any]
    #expect((result["userAgent"] as? String)?.contains("Firefox/") == true)
    #expect(result["works"] as? [String] == ["1", "2", "3", "4"], "\(result)")
    #expect(result["visible"] as? Int == 1)
    // The room's script ran under its Content-Security-Policy: it built the form.
    #expect(result["inputs"] as? Int == 8 && result["progress"] as? String == "0 of 4 scored", "\(result)")
    let images = result["images"] as! [[String: Any]]
    #expect(!images.isEmpty && images.allSatisfy { $0["loaded"] as? Bool == true }, "\(images)")
    let players = result["players"] as! [[String: Any]]
    #expect(players.count == 2, "\(players)")
    for player in players {
      #expect(player["error"] is NSNull && (player["currentTime"] as! Double) > 0.5, "\(player)")
    }
    #expect(result["typed"] as? String == "4" && result["kept"] as? String == "4", "\(result)")
  }
}
