import Foundation
import SampleContent
import Testing

/// How the visitor's gallery looks, measured in headless Chromium at 1280×900 and on a 390 px
/// phone: covers on the home page, media at their own size, players on the first screen, cards
/// that keep their height, a site title and no placeholder text; and a file the organiser leaves
/// out of the gallery.
@Suite(.serialized) struct GalleryLooksTests {
  struct Looks {
    let scratch = Scratch()
    var archive: String { scratch.path("archive") }
    var site: String { scratch.path("site") }

    @discardableResult
    func ok(_ arguments: String...) throws -> SalonRun {
      let run = try Binary.run(arguments + ["--archive", archive])
      #expect(run.status == 0, "\(arguments): \(run.stderr)")
      return run
    }

    func ffmpeg(_ arguments: [String]) throws -> [UInt8] {
      let out = scratch.path("made-\(UUID().uuidString).\(arguments.last!)")
      let made = try Tool.run(["ffmpeg", "-v", "error", "-nostdin", "-y"] + arguments.dropLast() + [out])
      #expect(made.status == 0, "\(made.output)")
      return Array(FileManager.default.contents(atPath: out) ?? Data())
    }

    /// The README's own `init` (no site title, no description), then a work in each medium:
    /// a large picture with a technical rider among its supplementary files, a 320×240 video, a
    /// 240×180 animation, a sound, a poem and a small picture that wins the prize.
    func setUp() throws {
      try ok("init", "--title", "Creative AI Salon", "--year", "2026", "--prize", "200", "--currency", "USD")
      let video = try ffmpeg([
        "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=2", "-f", "lavfi", "-i", "sine=f=440:d=2", "-c:v", "libx264",
        "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "mp4",
      ])
      let animation = try ffmpeg(["-f", "lavfi", "-i", "testsrc2=s=240x180:r=5:d=0.6", "-loop", "0", "gif"])
      let d = ("_description.pdf", Parts.description)
      func zip(_ n: Int, _ files: [(String, [UInt8])]) {
        scratch.zip("in/\(n).zip", files.map { ("\(n)\($0.0)", $0.1) } + [("\(n)\(d.0)", d.1)])
      }
      zip(
        1,
        [
          ("_main.png", SampleMedia.png(width: 1600, height: 1000, seed: 1)),
          ("_supplementary_1.pdf", SampleMedia.pdf(pages: 1, title: "Technical rider")),
        ])
      zip(2, [("_video.mp4", video)])
      zip(3, [("_main.gif", animation)])
      zip(4, [("_main.wav", SampleMedia.wav(seconds: 1))])
      zip(5, [("_main.txt", Array("The sea at rest\nholds the light\n\nand lets it go".utf8))])
      zip(6, [("_main.png", SampleMedia.png(width: 400, height: 300, seed: 6))])
      scratch.write(
        "form.csv",
        """
        id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement
        1,Tide Chart,Zoë Marsh,z@private.example,Digital painting,Water at rest,A chart of tides,,no,,no,yes,yes,none,
        2,Small Film,Fa Lin,f@private.example,Film,A short film,,,no,,no,yes,yes,none,
        3,Loop,Ola Brenn,o@private.example,Animation,A loop,A turning test card,,no,,no,yes,yes,none,
        4,Hum,Bo Chan,b@private.example,Sound,A drone,,,no,,no,yes,yes,none,
        5,Verse,Di Amor,d@private.example,Writing,,,,no,,no,yes,yes,none,
        6,Salt,Kit Oduya,k@private.example,Photography,A salt flat,A salt flat at noon,,no,,no,yes,yes,none,
        """)
      try ok("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
      try ok("submissions", "decide", "--all-accepted")
      try ok("prize", "award", "6", "--force", "--note", "For its light")
    }

    func export() throws -> [String: Any] {
      try Binary.json(try ok("export", "-o", site, "--json")) as! [String: Any]
    }

    func page(_ path: String) throws -> String { try String(contentsOfFile: site + "/" + path, encoding: .utf8) }

    var exhibition: String { "creative-ai-salon-2026" }
  }

  static func measure(_ width: Int, _ height: Int, _ pages: [String]) throws -> [[String: Any]] {
    try Chromium.run(["measure", String(width), String(height)] + pages, driver: "looks.py") as! [[String: Any]]
  }

  static func number(_ any: Any?) -> Double { (any as? NSNumber)?.doubleValue ?? .nan }

  @Test func theGalleryOpensOnCoversShowsMediaAtTheirSizeAndPublishesNoPlaceholder() throws {
    let g = Looks()
    try g.setUp()
    _ = try g.export()
    // With the README's init the gallery is named after the exhibition, never "Exhibition archive",
    // and an exhibition with no description has no about page and no link to one.
    #expect(!FileManager.default.fileExists(atPath: g.site + "/\(g.exhibition)/about.html"))
    // A work without a statement has no empty "About the work" section.
    #expect(!(try g.page("\(g.exhibition)/works/5.html")).contains("About the work"))
    #expect(try g.page("\(g.exhibition)/works/4.html").contains("About the work"))
    // A second edition, with nothing published yet: the title follows the newest, its cover is type.
    try g.ok("init", "--title", "Creative AI Salon 2027", "--year", "2027")
    _ = try g.export()
    let index = g.site + "/index.html"
    let e = g.site + "/\(g.exhibition)"
    let work = { (n: Int) in "\(e)/works/\(n).html" }
    let pages = [index, "\(e)/index.html", "\(e)/prize.html"] + (1...6).map(work)
    let winner = try #require(
      try g.page("\(g.exhibition)/works/6.html").firstMatch(of: /media\/[0-9a-f]{2}\/([0-9a-f]{64})/)?.1)

    for (width, height) in [(1280, 900), (390, 844)] {
      let measured = try Self.measure(width, height, pages)
      #expect(measured.count == pages.count)
      var byPage: [String: [String: Any]] = [:]
      for m in measured { byPage[m["page"] as! String] = m }
      for m in measured {
        let text = m["text"] as! String
        let where_ = "\(m["page"]!) at \(width) px"
        #expect(m["title"] as? String == "Creative AI Salon 2027", "\(where_)")
        for placeholder in ["Exhibition archive", "have not written a description", "did not provide a statement"] {
          #expect(!text.contains(placeholder), "\(where_): \(placeholder)")
        }
        #expect(!(m["links"] as! [String]).contains { $0.hasSuffix("about.html") }, "\(where_)")
        #expect(Self.number(m["scrollWidth"]) <= Double(width), "\(where_) scrolls sideways")
      }

      // The home page: the 2026 cover is the prize winner's picture, drawn; 2027's is its title in type.
      let home = try #require(byPage[index])
      let covers = home["covers"] as! [[String: Any]]
      #expect(covers.count == 2, "\(covers)")
      let newest = try #require(covers.first { $0["title"] as? String == "Creative AI Salon 2027" })
      let type = try #require(newest["type"] as? [String: Any], "\(newest)")
      #expect(newest["picture"] is NSNull || newest["picture"] == nil)
      #expect((type["text"] as? String) == "Creative AI Salon 2027" && Self.number(type["fontSize"]) >= 28)
      let older = try #require(covers.first { $0["title"] as? String == "Creative AI Salon" })
      let picture = try #require(older["picture"] as? [String: Any], "\(older)")
      let box = picture["box"] as! [String: Any]
      #expect(picture["complete"] as? Bool == true && Self.number(picture["naturalWidth"]) > 0)
      #expect(Self.number(box["width"]) >= 200 && Self.number(box["height"]) >= 150, "\(box)")
      #expect((picture["src"] as! String).contains(String(winner)), "the winner's picture: \(picture)")

      // Work pages: a small video and an animation at their own size (never over 1.5 times it),
      // the player's controls on the first screen, every medium in one column.
      var columns: Set<Int> = []
      for (n, tag) in [(2, "video"), (3, "video")] {
        let m = try #require(byPage[work(n)])
        let item = try #require((m["media"] as! [[String: Any]]).first { $0["tag"] as? String == tag }, "\(m)")
        let drawn = Self.number((item["box"] as! [String: Any])["width"])
        let own = Self.number(item["ownWidth"])
        #expect(own == Double(n == 2 ? 320 : 240), "work \(n): \(item)")
        #expect(drawn > 0 && drawn <= 1.5 * own, "work \(n) at \(width) px: drawn \(drawn) for \(own)")
        let bottom = Self.number((item["box"] as! [String: Any])["bottom"])
        #expect(bottom <= Double(height), "work \(n) at \(width) px: the player ends at \(bottom)")
        columns.insert(Int(Self.number(m["mediaColumn"])))
      }
      for n in [1, 4, 6] {
        let m = try #require(byPage[work(n)])
        columns.insert(Int(Self.number(m["mediaColumn"])))
        for item in m["media"] as! [[String: Any]] {
          let drawn = Self.number((item["box"] as! [String: Any])["width"])
          #expect(drawn <= Self.number(m["mediaColumn"]) + 0.5, "work \(n): \(item)")
          if item["tag"] as? String == "img" {
            #expect(drawn <= 1.5 * Self.number(item["ownWidth"]), "work \(n): \(item)")
          }
        }
      }
      #expect(columns.count == 1, "one column width for every medium: \(columns)")
      // The large picture fills the column; the audio player is as wide as the column.
      let large = try #require((byPage[work(1)]?["media"] as? [[String: Any]])?.first)
      #expect(abs(Self.number((large["box"] as! [String: Any])["width"]) - Double(columns.first!)) < 1)
      let audio = try #require(
        (byPage[work(4)]?["media"] as? [[String: Any]])?.first { $0["tag"] as? String == "audio" })
      #expect(abs(Self.number((audio["box"] as! [String: Any])["width"]) - Double(columns.first!)) < 1)

      // Cards keep their own height: each is as tall as when nothing may stretch it, and they differ.
      let list = try #require(byPage["\(e)/index.html"])
      let heights = (list["cards"] as! [[String: Any]]).map { Self.number($0["height"]) }
      let free = (list["cardsFree"] as! [Any]).map(Self.number)
      #expect(heights.count == 6 && free.count == 6)
      for (h, f) in zip(heights, free) { #expect(abs(h - f) < 1, "a card stretched from \(f) to \(h)") }
      #expect(Set(heights.map { Int($0) }).count > 1, "cards of different content differ in height: \(heights)")
    }

    // axe on every page type this gallery has, covers and all.
    let report =
      try Chromium.run(["axe"] + pages + [g.site + "/search.html", g.site + "/creative-ai-salon-2027/index.html"])
      as! [[String: Any]]
    for page in report {
      let violations = page["violations"] as! [[String: Any]]
      #expect(violations.isEmpty, "\(page["page"] ?? ""): \(violations)")
    }
  }

  @Test func anOrganiserLeavesOneFileOfAWorkOutOfTheGalleryAndCanUndoIt() throws {
    let g = Looks()
    try g.setUp()
    _ = try g.export()
    let rider = try #require(
      try g.page("\(g.exhibition)/works/1.html").firstMatch(of: /Supplementary material/), "the rider is published")
    _ = rider
    let before = GalleryFixture.files(in: g.site)
    let riderFiles = before.keys.filter { $0.hasPrefix("media/") && $0.hasSuffix(".pdf") }
    #expect(riderFiles.count == 1, "\(riderFiles.sorted())")
    let sha = String(riderFiles[0].split(separator: "/")[2].prefix(64))

    // Why is required; an unknown file is refused with its code, naming the work's files.
    let noReason = try Binary.run(["submissions", "withhold", "1", "1_supplementary_1.pdf", "--archive", g.archive])
    #expect(noReason.status == 64 && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
    let unknown = try Binary.run([
      "submissions", "withhold", "1", "rider.pdf", "--reason", "x", "--archive", g.archive,
    ])
    #expect(unknown.status == 1 && unknown.stderr.contains("file-not-in-work"), "\(unknown.stderr)")
    #expect(unknown.stderr.contains("1_supplementary_1.pdf"))

    let withheld = try g.ok(
      "submissions", "withhold", "1", "1_supplementary_1.pdf", "--reason", "A technical rider for the venue")
    #expect(withheld.stdout.contains("left out of the gallery"))
    let again = try Binary.run([
      "submissions", "withhold", "1", "1_supplementary_1.pdf", "--reason", "x", "--archive", g.archive,
    ])
    #expect(again.status == 1 && again.stderr.contains("already-withheld"), "\(again.stderr)")
    let listed = try Binary.json(try g.ok("submissions", "withheld", "--json")) as! [[String: Any]]
    #expect(listed.count == 1 && listed[0]["reason"] as? String == "A technical rider for the venue")
    #expect(listed[0]["sha256"] as? String == sha)

    // The log says who and why.
    let log = try Binary.json(try g.ok("log", "--json", "--submission", "1")) as! [[String: Any]]
    let event = try #require(log.last { $0["kind"] as? String == "file-withheld" })
    #expect((event["detail"] as! String).contains("A technical rider for the venue"))
    #expect((event["detail"] as! String).contains("1_supplementary_1.pdf"))
    #expect(!(event["actor"] as! String).isEmpty)

    // The next export leaves it out: no page names it, none of its media is left in the site,
    // the work itself is still published, and the report lists what was taken down.
    let report = try g.export()
    let after = GalleryFixture.files(in: g.site)
    #expect(!after.keys.contains { $0.contains(sha) }, "\(after.keys.filter { $0.contains(sha) })")
    let page = try g.page("\(g.exhibition)/works/1.html")
    #expect(page.contains("Tide Chart") && !page.contains("Supplementary material") && !page.contains(sha))
    for (path, data) in after where path.hasSuffix(".html") || path.hasSuffix(".js") || path.hasSuffix(".json") {
      #expect(!String(decoding: data, as: UTF8.self).contains(sha), "\(path)")
    }
    let unpublished = report["unpublished"] as? [String] ?? []
    #expect(unpublished.contains { $0.contains(sha) }, "\(report)")
    // The main picture is untouched.
    #expect(before.keys.filter { $0.hasPrefix("media/") && !$0.contains(sha) }.allSatisfy { after[$0] == before[$0] })

    // Undone: published again at the next export, and the log has both.
    let undo = try g.ok("submissions", "withhold", "1", "1_supplementary_1.pdf", "--undo")
    #expect(undo.stdout.contains("published again"))
    #expect((try Binary.json(try g.ok("submissions", "withheld", "--json")) as! [Any]).isEmpty)
    _ = try g.export()
    #expect(try g.page("\(g.exhibition)/works/1.html").contains("Supplementary material"))
    #expect(GalleryFixture.files(in: g.site).keys.contains(riderFiles[0]))
    let kinds = (try Binary.json(try g.ok("log", "--json", "--submission", "1")) as! [[String: Any]]).compactMap {
      $0["kind"] as? String
    }
    #expect(kinds.contains("file-withheld") && kinds.contains("file-released"))
  }
}
