import Foundation
import SampleContent
import Testing

/// Issue 21: a work a recorded change takes out of the gallery (declined, its rights withdrawn)
/// leaves the site at the next plain export; what the organiser put in the folder, and media a
/// published work still uses, stay.
@Suite struct UnpublishTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  var site: String { scratch.path("site") }

  func salon(_ arguments: String...) throws -> SalonRun {
    let run = try Binary.run(arguments + ["--archive", archive])
    #expect(run.status == 0, "\(arguments): \(run.stderr)")
    return run
  }

  func export(_ extra: String...) throws -> [String: Any] {
    let run = try Binary.run(["export", "-o", site, "--json", "--archive", archive] + extra)
    #expect(run.status == 0, "\(run.stderr)")
    return try #require(try Binary.json(run) as? [String: Any])
  }

  func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: site + "/" + path) }

  /// The site's files, by path, as the manifest lists them.
  func manifestFiles() throws -> [String: String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: site + "/.salon-export.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(json["files"] as? [String: String])
  }

  @Test func aDeclinedAndAWithdrawnWorkLeaveTheSiteAtAPlainReExport() throws {
    _ = try salon("init", "--title", "Unpublish Salon", "--year", "2026")
    let shared = SampleMedia.png(width: 40, height: 30, seed: 7)
    // 2 is declined later; 4 is published with the same main image as 2; 3 is withdrawn later.
    scratch.zip("in/1.zip", Parts.valid("1"))
    scratch.zip(
      "in/2.zip",
      [
        ("2_main.png", shared), ("2_description.pdf", Parts.description),
        ("2_supplementary_1.png", SampleMedia.png(width: 36, height: 20, seed: 2)),
      ])
    scratch.zip(
      "in/3.zip",
      [("3_main.png", SampleMedia.png(width: 30, height: 30, seed: 3)), ("3_description.pdf", Parts.description)])
    scratch.zip("in/4.zip", [("4_main.png", shared), ("4_description.pdf", Parts.description)])
    var form = "id,title,artists,email,rights,authorship\r\n"
    for id in 1...4 { form += "\(id),Work \(id),Artist \(id),a\(id)@example.org,yes,yes\r\n" }
    scratch.write("form.csv", form)
    _ = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    _ = try salon("submissions", "decide", "--all-accepted")

    let first = try export()
    let slug = try #require((first["exhibitions"] as? [String])?.first)
    let before = try manifestFiles()
    for id in 1...4 { #expect(exists("\(slug)/works/\(id).html")) }
    let media = before.keys.filter { $0.hasPrefix("media/") }
    #expect(!media.isEmpty)
    // The organiser's own files in the folder.
    FileManager.default.createFile(atPath: site + "/robots.txt", contents: Data("User-agent: *\n".utf8))
    try FileManager.default.createDirectory(atPath: site + "/\(slug)/works", withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: site + "/\(slug)/works/press.html", contents: Data("<p>press</p>".utf8))

    // 2 declined; 3's artist withdraws the rights with a new version sent under its id.
    _ = try salon("submissions", "decide", "2", "declined")
    scratch.zip(
      "again/3.zip",
      [("3_main.png", SampleMedia.png(width: 31, height: 30, seed: 9)), ("3_description.pdf", Parts.description)])
    scratch.write(
      "withdrawn.csv", "id,title,artists,email,rights,authorship\r\n3,Work 3,Artist 3,a3@example.org,no,yes\r\n")
    _ = try salon("ingest", scratch.path("again/3.zip"), "--id", "3", "--form", scratch.path("withdrawn.csv"))

    let second = try export()
    #expect(!exists("\(slug)/works/2.html"), "declined")
    #expect(!exists("\(slug)/works/3.html"), "withdrawn")
    #expect(exists("\(slug)/works/1.html") && exists("\(slug)/works/4.html"))
    #expect(exists("robots.txt") && exists("\(slug)/works/press.html"), "the organiser's files stay")
    let after = try manifestFiles()
    // Every media file of the first export is either still published (1's, 4's, and the image 2
    // shares with 4) or gone from the folder; nothing is left behind unlisted.
    for path in media {
      #expect(exists(path) == (after[path] != nil), "\(path)")
    }
    let removed = Set(try #require(second["unpublished"] as? [String]))
    #expect(removed.contains("\(slug)/works/2.html") && removed.contains("\(slug)/works/3.html"))
    #expect(removed.contains { $0.hasPrefix("media/") }, "\(removed)")
    #expect((second["kept"] as? Int) == 0, "nothing of theirs is kept: \(second)")
    // The image 2 shares with 4 stays, and so does 4's page showing it.
    let sharedMedia = media.filter { path in after[path] != nil && !removed.contains(path) }
    #expect(!sharedMedia.isEmpty)
    let page4 = try String(contentsOfFile: site + "/\(slug)/works/4.html", encoding: .utf8)
    #expect(sharedMedia.contains { page4.contains(($0 as NSString).lastPathComponent) })
    #expect(!sharedMedia.contains { removed.contains($0) })

    // The plain report names the addresses to purge from a CDN.
    _ = try salon("submissions", "decide", "1", "declined")
    let text = try Binary.run(["export", "-o", site, "--base-url", "https://gallery.example/", "--archive", archive])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("https://gallery.example/\(slug)/works/1.html"), "\(text.stdout)")
    #expect(!exists("\(slug)/works/1.html"))
  }

  @Test func aCatalogThatSuddenlyKnowsFewerWorksRemovesNothingWithoutPrune() throws {
    _ = try salon("init", "--title", "Guard Salon", "--year", "2026")
    for id in 1...2 { scratch.zip("in/\(id).zip", Parts.valid("\(id)")) }
    scratch.write(
      "form.csv",
      "id,title,artists,email,rights,authorship\r\n1,One,A,a@example.org,yes,yes\r\n2,Two,B,b@example.org,yes,yes\r\n")
    _ = try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    _ = try salon("submissions", "decide", "--all-accepted")
    let first = try export()
    let slug = try #require((first["exhibitions"] as? [String])?.first)
    // Another archive, which knows none of these works, exported into the same folder.
    let other = scratch.path("other")
    #expect(try Binary.run(["init", "--title", "Guard Salon", "--year", "2026", "--archive", other]).status == 0)
    let run = try Binary.run(["export", "-o", site, "--json", "--archive", other])
    #expect(run.status == 0, "\(run.stderr)")
    let report = try #require(try Binary.json(run) as? [String: Any])
    #expect((report["unpublished"] as? [String] ?? []).isEmpty)
    #expect(exists("\(slug)/works/1.html") && exists("\(slug)/works/2.html"))
  }
}
