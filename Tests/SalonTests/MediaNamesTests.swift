import Foundation
import SampleContent
import Testing

/// Issue 25: a published media file's name changes whenever its bytes may (other tools, another
/// setting that shapes it), so `/media/**` can be cached as immutable; the superseded files
/// leave the site, and a re-export with nothing changed keeps every name.
@Suite struct MediaNamesTests {
  let scratch = Scratch()
  var archive: String { scratch.path("archive") }
  var site: String { scratch.path("site") }

  func salon(_ arguments: String...) throws {
    let run = try Binary.run(arguments + ["--archive", archive])
    #expect(run.status == 0, "\(arguments): \(run.stderr)")
  }

  func export(to folder: String? = nil, _ extra: [String] = [], environment: [String: String] = [:]) throws
    -> [String: Any]
  {
    let run = try Binary.run(
      ["export", "-o", folder ?? site, "--json", "--archive", archive] + extra, environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    return try #require(try Binary.json(run) as? [String: Any])
  }

  /// The media files the site's manifest lists.
  func media(in folder: String? = nil) throws -> Set<String> {
    let data = try Data(contentsOf: URL(fileURLWithPath: (folder ?? site) + "/.salon-export.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return Set(try #require(json["files"] as? [String: String]).keys.filter { $0.hasPrefix("media/") })
  }

  /// Every media file the pages name is in the folder, and the folder holds only the media the
  /// manifest lists (nothing superseded left behind).
  func pagesNameOnlyTheirMedia(in folder: String? = nil) throws {
    let root = folder ?? site
    var named = Set<String>()
    let enumerator = try #require(FileManager.default.enumerator(atPath: root))
    while let relative = enumerator.nextObject() as? String {
      guard relative.hasSuffix(".html") else { continue }
      let page = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
      for match in page.matches(of: /media\/[0-9a-f]{2}\/[0-9a-zA-Z._-]+/) { named.insert(String(match.output)) }
    }
    #expect(!named.isEmpty)
    for path in named { #expect(FileManager.default.fileExists(atPath: root + "/" + path), "\(path)") }
    let present = Set(
      try FileManager.default.subpathsOfDirectory(atPath: root + "/media").filter { $0.contains(".") }.map {
        "media/" + $0
      })
    // (A PDF page's JPEG is listed for what wants one, not named by a page.)
    let listed = try media(in: folder)
    #expect(present == listed, "files left behind: \(present.subtracting(listed))")
    #expect(named.isSubset(of: present))
  }

  func setUp() throws {
    try salon("init", "--title", "Names Salon", "--year", "2026")
    scratch.zip(
      "in/1.zip",
      [
        ("1_main.png", SampleMedia.png(width: 40, height: 30, seed: 1)), ("1_description.pdf", Parts.description),
        ("1_supplementary_1.pdf", SampleMedia.pdf(pages: 3, title: "Score")),
      ])
    scratch.zip(
      "in/2.zip",
      [("2_main.png", SampleMedia.png(width: 36, height: 20, seed: 2)), ("2_description.pdf", Parts.description)])
    scratch.write(
      "form.csv",
      "id,title,artists,email,rights,authorship\r\n1,Work 1,Artist 1,a1@example.org,yes,yes\r\n"
        + "2,Work 2,Artist 2,a2@example.org,yes,yes\r\n")
    try salon("ingest", scratch.path("in"), "--form", scratch.path("form.csv"))
    try salon("submissions", "decide", "--all-accepted")
  }

  @Test func namesChangeWithTheSettingsAndToolsThatShapeTheBytes() throws {
    try setUp()
    _ = try export()
    let first = try media()
    // `media/ab/<sha>-<digest of the cache key>-…`.
    #expect(
      first.allSatisfy { $0.wholeMatch(of: /media\/[0-9a-f]{2}\/[0-9a-f]{64}-[0-9a-f]{10}[-.][0-9a-z.-]+/) != nil })
    // The PDF's pages and the PDF rebuilt from them: every file of its original.
    let pdf = try #require(first.first { $0.hasSuffix(".pdf") })
    let pdfFiles = first.filter { $0.hasPrefix(pdf.prefix(9 + 64)) }
    #expect(pdfFiles.count > 1, "\(first)")
    try pagesNameOnlyTheirMedia()

    // Nothing changed: nothing written, every name kept.
    let again = try export()
    #expect(again["written"] as? Int == 0, "\(again)")
    #expect(try media() == first)

    // Fewer PDF pages shown: the PDF's media get new names, the old ones leave the site; the
    // pictures, which that setting does not shape, keep theirs.
    let fewer = try export(["--pdf-pages", "2"])
    let second = try media()
    #expect(second.isDisjoint(with: pdfFiles))
    #expect(first.subtracting(pdfFiles).isSubset(of: second))
    for path in pdfFiles { #expect(!FileManager.default.fileExists(atPath: site + "/" + path), "\(path) is gone") }
    #expect(fewer["kept"] as? Int == 0, "\(fewer)")
    #expect((fewer["removed"] as? Int ?? 0) >= pdfFiles.count, "\(fewer)")
    try pagesNameOnlyTheirMedia()

    // Other tools: every name changes, even with nothing else changed.
    let tools = ["SALON_TOOL_VERSIONS": "ffmpeg=9:9.9,libvips=9.9,poppler=99.0,qpdf=99.0"]
    _ = try export(["--pdf-pages", "2"], environment: tools)
    let third = try media()
    #expect(third.isDisjoint(with: second))
    #expect(third.count == second.count)
    for path in second { #expect(!FileManager.default.fileExists(atPath: site + "/" + path), "\(path) is gone") }
    try pagesNameOnlyTheirMedia()
    let unchanged = try export(["--pdf-pages", "2"], environment: tools)
    #expect(unchanged["written"] as? Int == 0, "\(unchanged)")
    #expect(try media() == third)
  }

  /// A cache filled before names carried the key's digest serves an upgraded Salon: nothing is
  /// made again, and the files are published under the new names.
  @Test func aCacheEntryUnderOldNamesIsPublishedUnderNewOnes() throws {
    try setUp()
    _ = try export()
    let published = try media()
    // Each cache entry as an older Salon stored it: `<sha>-1200.webp`, no digest.
    let cache = archive + "/cache/derivatives"
    let digest = /([0-9a-f]{64})-[0-9a-f]{10}/
    var rewritten = 0
    for relative in try FileManager.default.subpathsOfDirectory(atPath: cache)
    where relative.hasSuffix("/entry.json") {
      let folder = cache + "/" + (relative as NSString).deletingLastPathComponent
      let entry = try String(contentsOfFile: folder + "/entry.json", encoding: .utf8)
      try entry.replacing(digest) { $0.output.1 }.write(
        toFile: folder + "/entry.json", atomically: true, encoding: .utf8)
      for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name != "entry.json" {
        try FileManager.default.moveItem(
          atPath: folder + "/" + name, toPath: folder + "/" + name.replacing(digest) { $0.output.1 })
      }
      rewritten += 1
    }
    #expect(rewritten >= 3)
    let fresh = scratch.path("fresh")
    let report = try export(to: fresh)
    #expect(report["derivativesMade"] as? Int == 0, "\(report)")
    #expect(try media(in: fresh) == published)
    try pagesNameOnlyTheirMedia(in: fresh)
  }
}
