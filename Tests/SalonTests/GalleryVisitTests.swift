import Foundation
import SampleContent
import Testing

/// The gallery as a visitor spends time in it, in real headless Chromium: walking from work to
/// work, the full-screen viewer, search, filters, link previews, and an accessibility audit.
@Suite(.serialized) struct GalleryVisitTests {
  /// The published call, plus a large picture whose artist field carries a script, a work
  /// whose statement names that artist, and a work with a planted script in every field an
  /// artist fills in.
  static func gallery(_ extra: [String] = []) throws -> GalleryFixture {
    let f = GalleryFixture()
    try f.setUp()
    f.scratch.zip(
      "more/7.zip",
      [("7_main.png", SampleMedia.png(width: 3000, height: 2000, seed: 7)), ("7_description.pdf", Parts.description)])
    f.scratch.zip(
      "more/8.zip",
      [("8_main.png", SampleMedia.png(width: 400, height: 300, seed: 8)), ("8_description.pdf", Parts.description)])
    f.scratch.zip(
      "more/9.zip",
      [("9_main.png", SampleMedia.png(width: 500, height: 400, seed: 9)), ("9_description.pdf", Parts.description)])
    let script = "<script>window.__salonPlanted=1</script>"
    let handler = "<img src=x onerror=window.__salonPlanted=1>"
    f.scratch.write(
      "more.csv",
      """
      id,title,artists,email,medium,statement,alt text,link,previously published,where,under review elsewhere,rights,authorship,ai use,ai statement
      7,Tide Chart,"<script>window.__salonPlanted=1</script>Zoë Marsh",zoe@private.example,Digital painting,Water at rest,A chart of tides in blue,,no,,no,yes,yes,none,
      8,Salt,Kit Oduya,kit@private.example,Photography,After a walk with Zoë Marsh,A salt flat,,no,,no,yes,yes,none,
      9,\(script)Night,\(handler)Ola Brenn,ola@private.example,\(script)Drawing,\(script)Ink,\(handler),javascript:window.__salonPlanted=1,yes,\(script)A hall,no,yes,yes,assisted,\(script)A model
      """)
    let ingest = try Binary.run([
      "ingest", f.scratch.path("more"), "--form", f.scratch.path("more.csv"), "--archive", f.archive,
    ])
    #expect(ingest.status == 0, "\(ingest.stderr)")
    for n in [7, 8, 9] {
      #expect(try Binary.run(["submissions", "decide", "\(n)", "selected", "--archive", f.archive]).status == 0)
    }
    let site = f.scratch.path("site")
    _ = try f.export(site, extra)
    return f
  }

  // Each fixture takes a minute to make, so two galleries serve every check.
  @Test func aVisitorWalksViewsSearchesAndFiltersTheGallery() throws {
    let f = try Self.gallery()
    let site = f.scratch.path("site")
    try theRightArrowWalksToTheNextWorkButNotFromAFocusedPlayer(f, site)
    try enterOpensTheViewerOnTheLargestImageAndEscReturnsFocus(f, site)
    try theMainWorkPaintsFirstWithACaptionAndEveryImageHasItsSize(f, site)
    try searchPutsTheArtistsOwnWorkFirstAndPlantedScriptsRunNowhere(f, site)
    try eachFilterPageHoldsTheWorksOfItsFilter(f, site)
  }

  @Test func linkPreviewsFeedsAndAnAccessibilityAuditOnEveryPageType() throws {
    let f = try Self.gallery()
    let site = f.scratch.path("site")
    try linkPreviewsAndWithABaseURLCanonicalLinksASitemapAndAFeed(f, site)
    try axeFindsNoViolationOnAnyPageType(f, site)
  }

  static func html(_ site: String, _ page: String) throws -> String {
    try String(contentsOfFile: site + "/" + page, encoding: .utf8)
  }

  static func exhibitionFolder(_ site: String) throws -> String {
    let names = try FileManager.default.contentsOfDirectory(atPath: site)
    return try #require(names.first { FileManager.default.fileExists(atPath: "\(site)/\($0)/works") })
  }

  func theRightArrowWalksToTheNextWorkButNotFromAFocusedPlayer(_ f: GalleryFixture, _ site: String) throws {
    let exhibition = try Self.exhibitionFolder(site)
    let walked = try Chromium.run(["walk", "\(site)/\(exhibition)/works/1.html"]) as! [String: Any]
    #expect((walked["reached"] as? String)?.hasSuffix("/works/2.html") == true, "\(walked)")
    // Work 5 is withheld: the walk steps over it.
    let overGap = try Chromium.run(["walk", "\(site)/\(exhibition)/works/4.html"]) as! [String: Any]
    #expect((overGap["reached"] as? String)?.hasSuffix("/works/6.html") == true, "\(overGap)")
    let film = try Chromium.run(["walk", "\(site)/\(exhibition)/works/6.html", "video"]) as! [String: Any]
    #expect((film["reached"] as? String)?.hasSuffix("/works/6.html") == true, "the player keeps its arrows: \(film)")
    let last = try Self.html(site, "\(exhibition)/works/9.html")
    #expect(last.contains("rel=\"prev\" href=\"8.html\"") && !last.contains("rel=\"next\""))
    // From a filter page the walk stays within the filter.
    let filter = try #require(
      try FileManager.default.contentsOfDirectory(atPath: "\(site)/\(exhibition)").first { name in
        name.hasPrefix("medium-") && (try? Self.html(site, "\(exhibition)/\(name)"))?.contains("works/8.html") == true
      })
    let filterPage = try Self.html(site, "\(exhibition)/\(filter)")
    let slug = String(filter.dropFirst("medium-".count).dropLast(".html".count))
    #expect(filterPage.contains("works/8.html?in=\(slug)"))
    let eight = try Self.html(site, "\(exhibition)/works/8.html")
    #expect(eight.contains("data-medium=\"\(slug)\""))
    // In the browser: arrived from the filter, → goes to the filter's next work, not the
    // exhibition's (1 and 7 are both pictures; 2, a sound, comes between them).
    let inFilter = try Chromium.run(["walk", "\(site)/\(exhibition)/works/1.html?in=\(slug)"]) as! [String: Any]
    #expect((inFilter["reached"] as? String)?.hasSuffix("/works/7.html?in=\(slug)") == true, "\(inFilter)")
    #expect(filterPage.contains("works/1.html?in=\(slug)") && filterPage.contains("works/7.html?in=\(slug)"))
  }

  func enterOpensTheViewerOnTheLargestImageAndEscReturnsFocus(_ f: GalleryFixture, _ site: String) throws {
    let exhibition = try Self.exhibitionFolder(site)
    let page = try Self.html(site, "\(exhibition)/works/7.html")
    // Without JavaScript the link itself opens the large picture.
    #expect(
      page.range(
        of: #"<a class="viewer-link" href="[^"]+-2400\.webp" data-viewer>"#, options: .regularExpression) != nil
    )
    let result = try Chromium.run(["viewer", "\(site)/\(exhibition)/works/7.html"]) as! [String: Any]
    #expect(result["opened"] as? Bool == true)
    #expect(result["loaded"] as? Bool == true)
    let picture = result["picture"] as! [String: Any]
    #expect(picture["naturalWidth"] as? Int == 2400, "\(picture)")
    #expect(picture["focusInside"] as? Bool == true, "focus moves into the viewer")
    #expect(picture["transition"] as? String != "0s", "the picture eases when zoomed: \(picture)")
    let after = result["after"] as! [String: Any]
    #expect(after["open"] as? Bool == false)
    #expect(after["focusOnImageLink"] as? Bool == true, "Esc gives focus back to the image")
    // A visitor who prefers reduced motion gets no easing, and the viewer still works.
    let still = try Chromium.run(["viewer", "\(site)/\(exhibition)/works/7.html", "reduce"]) as! [String: Any]
    #expect(still["loaded"] as? Bool == true)
    #expect((still["picture"] as? [String: Any])?["transition"] as? String == "0s", "\(still)")
    #expect((still["after"] as? [String: Any])?["focusOnImageLink"] as? Bool == true)
    // A small original is never upscaled: no 2400 px file is made from a 640 px picture.
    let one = try Self.html(site, "\(exhibition)/works/1.html")
    let media = one.components(separatedBy: "\"").filter { $0.contains("media/") && $0.hasSuffix(".webp") }
    #expect(!media.isEmpty && media.allSatisfy { !$0.hasSuffix("-2400.webp") }, "\(media)")
  }

  func theMainWorkPaintsFirstWithACaptionAndEveryImageHasItsSize(_ f: GalleryFixture, _ site: String) throws {
    let exhibition = try Self.exhibitionFolder(site)
    let page = try Self.html(site, "\(exhibition)/works/7.html")
    let images = page.components(separatedBy: "<img ").dropFirst().map { $0.prefix { $0 != ">" } }
    let main = try #require(images.first)
    #expect(main.contains("fetchpriority=\"high\"") && !main.contains("loading="))
    #expect(images.dropFirst().allSatisfy { $0.contains("loading=\"lazy\"") })
    #expect(page.contains("<figcaption><cite>Tide Chart</cite>, &lt;script&gt;"))
    #expect(page.contains("Zoë Marsh, 2026."))
    // Every kind of main work has the same caption: title, artists, year, medium.
    for (n, caption) in [
      (2, "<cite>Hum</cite>, Bo, 2026. Sound."), (3, "<cite>Score</cite>, Cy, 2026. Music."),
      (4, "<cite>Verse</cite>, Di, 2026. Writing."), (6, "<cite>Film</cite>, Fa, 2026. Film."),
    ] {
      #expect(
        try Self.html(site, "\(exhibition)/works/\(n).html").contains("<figcaption>\(caption)</figcaption>"), "\(n)")
    }
    // A PDF's first page is the main work's picture: fetched first, like a main image.
    let score = try Self.html(site, "\(exhibition)/works/3.html").components(separatedBy: "<img ").dropFirst()
    #expect(score.first?.prefix { $0 != ">" }.contains("fetchpriority=\"high\"") == true)
    let grid = try Self.html(site, "\(exhibition)/index.html")
    let cards = grid.components(separatedBy: "<img ").dropFirst().map { $0.prefix { $0 != ">" } }
    #expect(cards.count >= 6 && cards.allSatisfy { $0.contains("loading=\"lazy\"") && !$0.contains("fetchpriority") })
    for (path, _) in GalleryFixture.files(in: site) where path.hasSuffix(".html") {
      for img in try Self.html(site, path).components(separatedBy: "<img ").dropFirst() {
        let tag = img.prefix { $0 != ">" }
        #expect(tag.contains("width=\"") && tag.contains("height=\"") && !tag.contains("width=\"\""), "\(path): \(tag)")
      }
      let first = try Self.html(site, path).components(separatedBy: "fetchpriority").count - 1
      #expect(first <= 1, "\(path): one picture at most is fetched first")
    }
  }

  func searchPutsTheArtistsOwnWorkFirstAndPlantedScriptsRunNowhere(_ f: GalleryFixture, _ site: String) throws {
    let found = try Chromium.run(["search", "\(site)/search.html", "Marsh"]) as! [String: Any]
    let results = found["results"] as! [[String: Any]]
    #expect(results.map { $0["title"] as? String } == ["Tide Chart", "Salt"], "\(found)")
    #expect((results.first?["href"] as? String)?.hasSuffix("/works/7.html") == true)
    #expect(found["planted"] as? Bool == false)
    // The work with a script in every field: found, its title shown as text, nothing run.
    let planted = try Chromium.run(["search", "\(site)/search.html", "Brenn"]) as! [String: Any]
    let hit = try #require((planted["results"] as! [[String: Any]]).first)
    #expect(hit["title"] as? String == "<script>window.__salonPlanted=1</script>Night", "\(planted)")
    #expect((hit["href"] as? String)?.hasSuffix("/works/9.html") == true)
    #expect(planted["planted"] as? Bool == false)
    let nine = try Self.html(site, "\(try Self.exhibitionFolder(site))/works/9.html")
    #expect(!nine.contains("<script>window") && !nine.contains("<img src=x") && !nine.contains("javascript:"))
    let none = try Chromium.run(["search", "\(site)/search.html", "zzzz-nothing"]) as! [String: Any]
    #expect(none["status"] as? String == "0 works found.")
    let pages = GalleryFixture.files(in: site).keys.filter { $0.hasSuffix(".html") }.sorted().map { site + "/" + $0 }
    let visits = try Chromium.run(["visit"] + pages) as! [[String: Any]]
    for visit in visits {
      #expect(visit["planted"] as? Bool == false, "\(visit["page"] ?? "")")
      #expect((visit["requests"] as! [String]).allSatisfy { $0.hasPrefix("file://") || $0.hasPrefix("data:") })
    }
  }

  func eachFilterPageHoldsTheWorksOfItsFilter(_ f: GalleryFixture, _ site: String) throws {
    let exhibition = try Self.exhibitionFolder(site)
    func cards(_ page: String) throws -> [(medium: String, url: String)] {
      try Self.html(site, "\(exhibition)/\(page)").components(separatedBy: "<li class=\"card\" data-medium=\"")
        .dropFirst().map { card in
          let medium = String(card.prefix { $0 != "\"" })
          let url = card.components(separatedBy: "<a href=\"")[1].prefix { $0 != "\"" && $0 != "?" }
          return (medium, String(url))
        }
    }
    let all = try cards("index.html")
    #expect(Set(all.map(\.url)) == Set([1, 2, 3, 4, 6, 7, 8, 9].map { "works/\($0).html" }))
    let filters = try FileManager.default.contentsOfDirectory(atPath: "\(site)/\(exhibition)").filter {
      $0.hasPrefix("medium-")
    }
    #expect(filters.count >= 2)
    var listed: [String] = []
    for filter in filters {
      let slug = String(filter.dropFirst("medium-".count).dropLast(".html".count))
      let shown = try cards(filter)
      #expect(!shown.isEmpty && shown.allSatisfy { $0.medium == slug }, "\(filter)")
      #expect(Set(shown.map(\.url)) == Set(all.filter { $0.medium == slug }.map(\.url)), "\(filter)")
      listed += shown.map(\.url)
    }
    #expect(listed.sorted() == all.map(\.url).sorted(), "every work is on exactly one filter page")
  }

  func linkPreviewsAndWithABaseURLCanonicalLinksASitemapAndAFeed(_ f: GalleryFixture, _ site: String) throws {
    let exhibition = try Self.exhibitionFolder(site)
    var page = try Self.html(site, "\(exhibition)/works/7.html")
    #expect(page.contains("<meta name=\"description\" content=\"Water at rest\">"))
    #expect(page.contains("<meta property=\"og:title\" content=\"Tide Chart — "))
    #expect(page.contains("<meta name=\"twitter:card\" content=\"summary\">"))
    // Without the site's address: nothing that needs a host.
    #expect(!page.contains("canonical") && !page.contains("og:image") && !page.contains("og:url"))
    #expect(!FileManager.default.fileExists(atPath: site + "/sitemap.xml"))
    #expect(!FileManager.default.fileExists(atPath: site + "/feed.xml"))

    _ = try f.export(site, ["--base-url", "https://salon.example.org/archive"])
    page = try Self.html(site, "\(exhibition)/works/7.html")
    #expect(
      page.contains(
        "<link rel=\"canonical\" href=\"https://salon.example.org/archive/\(exhibition)/works/7.html\">"))
    #expect(
      page.range(
        of: #"<meta property="og:image" content="https://salon\.example\.org/archive/media/[0-9a-f/-]+-1200\.jpg">"#,
        options: .regularExpression) != nil)
    #expect(page.contains("<meta name=\"twitter:card\" content=\"summary_large_image\">"))
    let sitemap = try Self.html(site, "sitemap.xml")
    let htmlPages = GalleryFixture.files(in: site).keys.filter { $0.hasSuffix(".html") }
    #expect(htmlPages.allSatisfy { sitemap.contains("<loc>https://salon.example.org/archive/\($0)</loc>") })
    let feed = try Self.html(site, "feed.xml")
    #expect(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\">"))
    #expect(feed.contains("<link href=\"https://salon.example.org/archive/\(exhibition)/index.html\"/>"))

    let refused = try Binary.run([
      "export", "-o", f.scratch.path("other"), "--base-url", "javascript:alert(1)", "--archive", f.archive,
    ])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("--base-url takes the site's web address"))
  }

  func axeFindsNoViolationOnAnyPageType(_ f: GalleryFixture, _ site: String) throws {
    // The exhibition and a filter split into pages of works, with their page links.
    let paged = f.scratch.path("paged")
    _ = try f.export(paged, ["--works-per-page", "2"])
    let pagedLists = GalleryFixture.files(in: paged).keys.filter { $0.contains("page-") }.sorted().map {
      paged + "/" + $0
    }
    #expect(pagedLists.contains { $0.hasSuffix("/page-2.html") })
    let pages =
      GalleryFixture.files(in: site).keys.filter { $0.hasSuffix(".html") }.sorted().map { site + "/" + $0 }
      + pagedLists
    #expect(pages.contains { $0.hasSuffix("/search.html") } && pages.contains { $0.contains("/medium-") })
    let report = try Chromium.run(["axe"] + pages) as! [[String: Any]]
    #expect(report.count == pages.count)
    for page in report {
      let violations = page["violations"] as! [[String: Any]]
      #expect(violations.isEmpty, "\(page["page"] ?? ""): \(violations)")
    }
  }
}
