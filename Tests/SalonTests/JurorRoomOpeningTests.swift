import Foundation
import SampleContent
import Testing

/// A call of thirteen pictures with long titles, each with its own description PDF, and two
/// jurors: the room as a juror opens it, its descriptions, its parts and its panel figures.
struct RoomOpeningCall {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  static let slug = "room-open-salon-2026"
  static let titles = [
    "Harbour Light", "Spiral of the Long Afternoon over the Old Harbour Wall", "Ledger", "A Map of Every Rain",
    "Dance Notation for Seven Hands and a Metronome", "Quiet", "Nine Small Weathers of an Unfinished Kitchen",
    "Salt", "Counting the Stairs Backwards from the Sea", "Spiral", "Dance Notation",
    "Self-portrait as a Field of Unmown Grass in Late September", "Echo",
  ]

  func salon(_ arguments: String...) throws -> SalonRun { try Binary.run(arguments + ["--archive", archive]) }

  func setUp(jurors: [String] = ["Dana Juror", "Eli Juror"], works count: Int = 13) throws {
    #expect(try salon("init", "--title", "Room Open Salon", "--year", "2026").status == 0)
    var form = "id,title,artists,email,rights,authorship\n"
    for n in 1...count {
      let description = SampleMedia.pdf(pages: 1, title: "About work \(n) by Artist Person\(n)")
      scratch.zip(
        "in/\(n).zip",
        [("\(n)_main.png", SampleMedia.png(width: 40 + n, height: 30)), ("\(n)_description.pdf", description)])
      form += "\(n),\(Self.titles[(n - 1) % Self.titles.count]),Artist Person\(n),person\(n)@private.example,yes,yes\n"
    }
    scratch.write("form.csv", form)
    let ingest = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    #expect(ingest.stdout.contains("\(count) zips: \(count) accepted"), "\(ingest.stdout)\(ingest.stderr)")
    for n in 1...count { #expect(try salon("submissions", "decide", "\(n)", "selected").status == 0) }
    for name in jurors { #expect(try salon("jury", "add", name).status == 0) }
  }

  func room(_ arguments: String...) throws -> [String: Any] {
    let run = try Binary.run(["jury", "room"] + arguments + ["--json", "--archive", archive])
    #expect(run.status == 0, "\(run.stderr)")
    return (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
  }

  /// The stored SHA-256 of each work's description PDF, from `submissions show --json`.
  func descriptionHash(_ id: String) throws -> String {
    let run = try salon("submissions", "show", id, "--json")
    let shown = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
    var found: [String] = []
    func walk(_ value: Any) {
      if let object = value as? [String: Any] {
        if object["role"] as? String == "description", let sha = object["sha256"] as? String { found.append(sha) }
        object.values.forEach(walk)
      } else if let list = value as? [Any] {
        list.forEach(walk)
      }
    }
    walk(shown)
    return try #require(found.first, "\(run.stdout)")
  }

  /// Every file a zip holds, unpacked, by its path in the zip.
  func unzip(_ zip: String) throws -> [String: Data] {
    let target = scratch.path("unzipped-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
    let run = try Tool.run(["bsdtar", "-xf", zip, "-C", target])
    #expect(run.status == 0, "\(run.output)")
    var files: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: target)
    while let path = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      FileManager.default.fileExists(atPath: target + "/" + path, isDirectory: &isFolder)
      if !isFolder.boolValue { files[path] = FileManager.default.contents(atPath: target + "/" + path) }
    }
    return files
  }

  /// What the juror's Save button writes: the page's sheet data with every criterion filled.
  func savedSheet(from page: String, value: Int, name: String) throws -> String {
    let html = try String(contentsOfFile: page, encoding: .utf8)
    let start = try #require(html.range(of: "id=\"salon-sheet-data\">"))
    let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
    var data =
      try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8)) as! [String: Any]
    let keys = (data["criteria"] as! [[String: Any]]).map { $0["key"] as! String }
    data["works"] = (data["works"] as! [[String: Any]]).map { work in
      var work = work
      work["scores"] = Dictionary(uniqueKeysWithValues: keys.map { ($0, value) })
      return work
    }
    let json = String(decoding: try JSONSerialization.data(withJSONObject: data), as: UTF8.self)
    return scratch.write(
      name,
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Filled scoring sheet</title></head>\n"
        + "<body><script type=\"application/json\" id=\"salon-sheet-data\">\(json)</script></body></html>\n")
  }
}

@Suite(.serialized) struct JurorRoomOpeningTests {
  /// Boxes that share more than a sliver of area.
  static func overlaps(_ a: [String: Any], _ b: [String: Any]) -> Bool {
    func d(_ box: [String: Any], _ key: String) -> Double { box[key] as? Double ?? 0 }
    let x = min(d(a, "right"), d(b, "right")) - max(d(a, "left"), d(b, "left"))
    let y = min(d(a, "bottom"), d(b, "bottom")) - max(d(a, "top"), d(b, "top"))
    return x > 0.5 && y > 0.5
  }

  /// One measurement of the room as it opened: at the top, the instructions and the count on the
  /// first screen, no item of the list over another, each number inside its own item's box.
  static func expectOpensRight(_ view: [String: Any], _ what: String) {
    let height = view["innerHeight"] as? Double ?? 0
    #expect(view["scrollY"] as? Double == 0, "\(what): opened scrolled to \(view["scrollY"] ?? "?")")
    let instructions = view["instructions"] as? [String: Any] ?? [:]
    let progress = view["progress"] as? [String: Any] ?? [:]
    #expect(
      (instructions["top"] as? Double ?? -1) >= 0 && (instructions["bottom"] as? Double ?? .infinity) <= height,
      "\(what): \(instructions)")
    #expect(
      (progress["bottom"] as? Double ?? .infinity) <= height,
      "\(what): the count is below the first screen: \(progress)")
    #expect(
      (view["scrollWidth"] as? Double ?? .infinity) <= (view["innerWidth"] as? Double ?? 0), "\(what) scrolls sideways")
    let items = view["items"] as? [[String: Any]] ?? []
    #expect(items.count == 13, "\(what)")
    for (n, item) in items.enumerated() {
      #expect(item["numberInside"] as? Bool == true, "\(what): item \(n + 1)'s number is outside its box")
      let box = item["box"] as? [String: Any] ?? [:]
      let link = item["link"] as? [String: Any] ?? [:]
      // The title sits inside its item, after the number.
      #expect(
        (link["left"] as? Double ?? 0) >= (box["left"] as? Double ?? 0) + 10
          && (link["right"] as? Double ?? 0) <= (box["right"] as? Double ?? 0) + 0.5, "\(what): \(item)")
      for other in items[(n + 1)...] {
        #expect(
          !overlaps(box, other["box"] as? [String: Any] ?? [:]),
          "\(what): \"\(item["title"] ?? "")\" and \"\(other["title"] ?? "")\" overlap")
      }
    }
  }

  @Test func theRoomOpensAtTheTopAndItsListNeverOverlapsInChromiumAndFirefox() throws {
    let call = RoomOpeningCall()
    try call.setUp()
    #expect(try call.salon("jury", "assign").status == 0)
    let folder = call.scratch.path("room-dana")
    _ = try call.room("dana-juror", "-o", folder)
    let page = folder + "/index.html"
    for browser in ["chromium", "firefox"] {
      for (width, height) in [(1280, 800), (390, 844)] {
        let what = "\(browser) at \(width) px"
        let run = try Chromium.run([browser, page, "\(width)", "\(height)"], driver: "room_open.py") as! [String: Any]
        for key in ["first", "settled", "againFirst", "again"] {
          Self.expectOpensRight(run[key] as? [String: Any] ?? [:], "\(what), \(key)")
        }
        let first = run["first"] as? [String: Any] ?? [:]
        #expect(first["progressText"] as? String == "0 of 13 scored", "\(what)")
        #expect(first["hash"] as? String == "", "\(what): the address names no work")
        // Coming back: at the top again, on the work the juror was on.
        let again = run["again"] as? [String: Any] ?? [:]
        #expect(first["current"] as? String == "0" && again["current"] as? String == "2", "\(what): \(again)")
      }
    }
  }

  @Test func descriptionsAreShownAfterScoringOrLeftOutOfTheRoomAsTheExhibitionSays() throws {
    let call = RoomOpeningCall()
    try call.setUp(works: 3)
    #expect(try call.salon("jury", "assign").status == 0)
    let hashes = try (1...3).map { try call.descriptionHash(String($0)) }
    // The careful default: left out.
    let shownSetting = try call.salon("exhibition", "room-descriptions", RoomOpeningCall.slug)
    #expect(shownSetting.status == 0 && shownSetting.stdout.contains("descriptions left-out"), "\(shownSetting.stdout)")
    // An export after the assignment prepares what the rooms show, but no description page when
    // the rooms leave them out: nothing in the derivative cache comes from a description.
    #expect(try call.salon("export", "-o", call.scratch.path("gallery")).status == 0)
    let cache = call.archive + "/cache/derivatives"
    let cached = FileManager.default.enumerator(atPath: cache)?.allObjects as? [String] ?? []
    #expect(!cached.isEmpty)
    for path in cached {
      let text = String(decoding: FileManager.default.contents(atPath: cache + "/" + path) ?? Data(), as: UTF8.self)
      #expect(!hashes.contains { path.contains($0) || text.contains($0) }, "\(path) comes from a description")
    }
    let bad = try call.salon("exhibition", "room-descriptions", RoomOpeningCall.slug, "sometimes")
    #expect(bad.status == 64 && bad.stderr.contains("shown, after-scoring or left-out"), "\(bad.stderr)")

    var pagesByMode: [String: Int] = [:]
    for mode in ["default", "left-out", "after-scoring", "shown"] {
      if mode != "default" {
        #expect(try call.salon("exhibition", "room-descriptions", RoomOpeningCall.slug, mode).status == 0)
      }
      let folder = call.scratch.path("room-\(mode)")
      _ = try call.room("dana-juror", "-o", folder, "--zip")
      let files = try call.unzip(folder + ".zip")
      let html = String(decoding: try #require(files["room-\(mode)/index.html"]), as: UTF8.self)
      let pages = files.keys.filter { path in hashes.contains { path.contains($0) } }
      pagesByMode[mode] = pages.count
      #expect(!files.keys.contains { $0.hasSuffix(".pdf") }, "\(mode): never the PDF itself")
      switch mode {
      case "default", "left-out":
        #expect(pages.isEmpty, "\(mode): \(pages)")
        #expect(!html.contains("Description (the artists"), "\(mode)")
        #expect(html.contains("descriptions are not in this room"), "\(mode)")
      case "after-scoring":
        #expect(!pages.isEmpty)
        #expect(html.contains("<section class=\"description\" data-after-scoring=\"0\" hidden>"), "\(mode)")
        #expect(html.contains("appears once you have scored the work"))
        #expect(html.contains("appears here once you have scored it"))
      default:
        #expect(!pages.isEmpty)
        #expect(html.contains("<section class=\"description\">"), "\(mode)")
        #expect(html.contains("is shown with it as they sent it"))
      }
    }
    #expect(pagesByMode["after-scoring"] == pagesByMode["shown"])
    // Left out again: a rebuilt room loses the pages it had, down to its zip.
    #expect(try call.salon("exhibition", "room-descriptions", RoomOpeningCall.slug, "left-out").status == 0)
    _ = try call.room("dana-juror", "-o", call.scratch.path("room-shown"), "--zip")
    let rebuilt = try call.unzip(call.scratch.path("room-shown.zip"))
    #expect(!rebuilt.keys.contains { path in hashes.contains { path.contains($0) } }, "\(rebuilt.keys.sorted())")

    // After scoring, in the browser: hidden until the work is scored, then shown.
    #expect(try call.salon("exhibition", "room-descriptions", RoomOpeningCall.slug, "after-scoring").status == 0)
    let folder = call.scratch.path("room-reveal")
    _ = try call.room("dana-juror", "-o", folder)
    let reveal = try Chromium.run(["reveal", folder + "/index.html"], driver: "room_open.py") as! [String: Any]
    #expect(reveal["before"] as? [Bool] == [false, false, false], "\(reveal)")
    #expect(reveal["noteBefore"] as? Bool == true, "\(reveal)")
    #expect(reveal["after"] as? [Bool] == [true, false, false], "\(reveal)")
    #expect(reveal["noteAfter"] as? Bool == false, "\(reveal)")
    #expect(reveal["loaded"] as? Bool == true, "\(reveal)")
  }

  @Test func aJurorWithManyWorksGetsTheRoomInPartsEachOfWhichImportsOnItsOwn() throws {
    let call = RoomOpeningCall()
    try call.setUp()
    #expect(try call.salon("jury", "assign").status == 0)
    let refused = try call.salon("jury", "room", "dana-juror", "--works-per-part", "0")
    #expect(refused.status == 64 && refused.stderr.contains("--works-per-part"), "\(refused.stderr)")

    let folder = call.scratch.path("room-dana")
    // First made whole, with its zip, then in parts: nothing of the whole room stays.
    _ = try call.room("dana-juror", "-o", folder, "--zip")
    #expect(FileManager.default.fileExists(atPath: folder + "/index.html"))
    let report = try call.room("dana-juror", "-o", folder, "--zip", "--works-per-part", "5")
    let rooms = report["rooms"] as? [[String: Any]] ?? []
    #expect(rooms.map { $0["works"] as? Int } == [5, 5, 3], "\(report)")
    #expect(rooms.map { $0["part"] as? Int } == [1, 2, 3] && rooms.allSatisfy { $0["parts"] as? Int == 3 })
    #expect(!FileManager.default.fileExists(atPath: folder + "/index.html"))
    #expect(!FileManager.default.fileExists(atPath: folder + ".zip"))
    let shown = try Binary.run([
      "jury", "room", "dana-juror", "-o", folder, "--works-per-part", "5", "--archive", call.archive,
    ])
    #expect(shown.stdout.contains("Jury room for dana-juror (part 2 of 3): 5 works"), "\(shown.stdout)")
    #expect(shown.stdout.contains("Descriptions: left-out"), "the organiser is told which applies")

    var seen: [String] = []
    for part in 1...3 {
      let zip = folder + "/part-\(part).zip"
      let files = try call.unzip(zip)
      let html = String(decoding: try #require(files["part-\(part)/index.html"]), as: UTF8.self)
      #expect(html.contains("part \(part) of 3"), "part \(part)")
      let works = html.components(separatedBy: "data-work=\"").dropFirst().compactMap {
        $0.split(separator: "\"").first
      }
      .map(String.init)
      #expect(works.count == (part == 3 ? 3 : 5))
      seen += works
      // Each part's saved sheet imports by itself.
      let saved = try call.savedSheet(
        from: folder + "/part-\(part)/index.html", value: 4 + part, name: "saved-\(part).html")
      let imported = try call.salon("jury", "import", saved)
      #expect(imported.status == 0, "part \(part): \(imported.stderr)")
    }
    #expect(seen == (1...13).map(String.init), "every work in exactly one part, in order")
    let progress =
      try JSONSerialization.jsonObject(
        with: Data(try call.salon("jury", "progress", "--json").stdout.utf8)) as? [String: Any]
    let dana = (progress?["jurors"] as? [[String: Any]])?.first { $0["id"] as? String == "dana-juror" }
    #expect(dana?["scored"] as? Int == 13, "\(dana ?? [:])")

    // Made whole again (the default holds 200 works): the parts and their zips go.
    let whole = try call.room("dana-juror", "-o", folder, "--zip")
    #expect((whole["rooms"] as? [[String: Any]])?.count == 1)
    let left = try FileManager.default.contentsOfDirectory(atPath: folder)
    #expect(!left.contains { $0.hasPrefix("part-") }, "\(left)")
    #expect(FileManager.default.fileExists(atPath: folder + "/index.html"))

    // A ranking round's room is never split: the juror ranks all their works in one list.
    #expect(try call.salon("jury", "round", "open", "final", "--kind", "ranking").status == 0)
    #expect(try call.salon("jury", "assign").status == 0)
    let ranking = try call.room("dana-juror", "-o", folder, "--works-per-part", "5")
    let one = ranking["rooms"] as? [[String: Any]] ?? []
    #expect(one.count == 1 && one.first?["works"] as? Int == 13 && one.first?["part"] == nil, "\(ranking)")
  }

  @Test func theRoomShowsThePanelsFiguresOnlyWithFiveOtherJurorsOrOnceTheRoundIsClosed() throws {
    let call = RoomOpeningCall()
    let jurors = ["Ada", "Ben", "Cy", "Dee", "Ed", "Flo"]
    try call.setUp(jurors: jurors, works: 3)
    #expect(try call.salon("jury", "round", "open", "triage", "--kind", "yes-no", "--advance", "yes:3").status == 0)
    #expect(try call.salon("jury", "assign").status == 0)
    func vote(_ juror: String) throws {
      for (work, value) in [("1", "yes"), ("2", "yes"), ("3", "no")] {
        let run = try call.salon("jury", "score", juror, work, "--vote", value)
        #expect(run.status == 0, "\(juror) \(work): \(run.stderr)")
      }
    }
    /// Every file of Ada's room's zip, as text.
    func room(_ juror: String, _ name: String) throws -> [String: String] {
      _ = try call.room(juror, "-o", call.scratch.path(name), "--zip")
      return try call.unzip(call.scratch.path(name) + ".zip").mapValues { String(decoding: $0, as: UTF8.self) }
    }
    func holdsPanel(_ files: [String: String]) -> Bool {
      files.values.contains { $0.contains("data-panel-figure") || $0.contains("beside the panel") }
    }
    for juror in ["ben", "cy", "dee", "ed"] { try vote(juror) }
    // Four other jurors: nothing of the panel in any file of Ada's room.
    let four = try room("ada", "ada-four")
    #expect(!four.isEmpty && !holdsPanel(four), "\(four.keys.sorted())")
    // Five: the panel's figures, as of the build.
    try vote("flo")
    let five = try room("ada", "ada-five")
    #expect(holdsPanel(five))
    let page = try #require(five["ada-five/index.html"])
    #expect(page.contains("data-panel-figure=\"yes\">10 (67%)"), "10 yes of 15 votes")
    #expect(page.contains("data-panel-figure=\"no\">5 (33%)"))
    #expect(page.contains("figures are as of"))
    #expect(page.contains("5 other jurors"))
    // The table beside the count is read as a table: axe-core finds nothing on the room.
    let axe = try Chromium.run(["axe", call.scratch.path("ada-five") + "/index.html"]) as? [[String: Any]] ?? []
    #expect(axe.count == 1 && (axe.first?["violations"] as? [Any])?.isEmpty == true, "\(axe)")
    // Flo sees four others who voted (Ada has not): no panel in Flo's room.
    let flo = try room("flo", "flo-room")
    #expect(!holdsPanel(flo))
    // Once the round is closed, every juror sees it.
    #expect(try call.salon("jury", "round", "close").status == 0)
    let closed = try room("flo", "flo-closed")
    #expect(holdsPanel(closed))
    #expect(closed["flo-closed/index.html"]?.contains("the round is closed") == true)
  }

  @Test func aClosedRoundShowsThePanelOnlyWhenTwoOtherJurorsMakeItUp() throws {
    let call = RoomOpeningCall()
    try call.setUp(jurors: ["Ada", "Ben", "Cy"], works: 2)
    #expect(try call.salon("jury", "round", "open", "triage", "--kind", "yes-no", "--advance", "yes:2").status == 0)
    #expect(try call.salon("jury", "assign").status == 0)
    func vote(_ juror: String) throws {
      for work in ["1", "2"] {
        #expect(try call.salon("jury", "score", juror, work, "--vote", juror == "ben" ? "no" : "yes").status == 0)
      }
    }
    func holdsPanel(_ juror: String, _ name: String) throws -> Bool {
      _ = try call.room(juror, "-o", call.scratch.path(name), "--zip")
      let files = try call.unzip(call.scratch.path(name) + ".zip").mapValues { String(decoding: $0, as: UTF8.self) }
      #expect(!files.isEmpty)
      return files.values.contains { $0.contains("data-panel-figure") || $0.contains("beside the panel") }
    }
    try vote("ada")
    try vote("ben")
    #expect(try call.salon("jury", "round", "close").status == 0)
    // Closed, with one other juror who voted: the panel less Ada's votes would be Ben's.
    #expect(try !holdsPanel("ada", "ada-one-other"))
    // Cy, who did not vote, has two others behind the panel: shown.
    #expect(try holdsPanel("cy", "cy-two-others"))
  }
}
