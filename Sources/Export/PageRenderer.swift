import Basics
import Catalog
import Foundation

/// Turns the site model into pages: a template name, a path and a context of values. Every
/// artist-provided string goes in as text, so the templates escape it.
package struct PageRenderer {
  struct Page {
    var path: String
    var template: String
    var context: [String: TemplateValue]
  }

  let model: SiteModel
  let media: MediaBuilder.Outcome
  /// The site's address with a trailing slash (`--base-url`); without it nothing needs a host.
  var baseURL: String? = nil
  /// Works on one page of an exhibition or of a filter; more go on `page-2.html` and on.
  var worksPerPage = PageRenderer.defaultWorksPerPage

  static let defaultWorksPerPage = 120
  static let worksPerPageRange = 1...10_000

  package init(
    model: SiteModel, media: MediaBuilder.Outcome, baseURL: String? = nil,
    worksPerPage: Int = PageRenderer.defaultWorksPerPage
  ) {
    self.model = model
    self.media = media
    self.baseURL = baseURL
    self.worksPerPage = worksPerPage
  }

  var siteTitle: String { model.siteTitle }

  static let contentSecurityPolicy =
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'"

  /// How many pages `forEachPage` makes.
  var pageCount: Int {
    2
      + model.exhibitions.map { e in
        let filters = e.mediums.count > 1 ? Order(e).inMedium.values.map { listPageCount($0.count) }.reduce(0, +) : 0
        return (hasAbout(e) ? 2 : 1) + e.works.count + listPageCount(e.works.count) + filters
      }.reduce(0, +)
  }

  /// Pages a list of works takes: one at least, so an empty exhibition still has its page.
  func listPageCount(_ works: Int) -> Int { max(1, (works + worksPerPage - 1) / worksPerPage) }

  /// Where each work stands in its exhibition and in its category, found once per exhibition,
  /// so that a page's neighbours and counts cost nothing per page.
  struct Order {
    var inMedium: [SiteModel.Medium: [SiteModel.ExhibitedWork]] = [:]
    var position: [String: Int] = [:]
    var positionInMedium: [String: Int] = [:]

    init(_ e: SiteModel.ExhibitionModel) {
      for (index, shown) in e.works.enumerated() {
        position[shown.page] = index
        positionInMedium[shown.page] = inMedium[shown.medium, default: []].count
        inMedium[shown.medium, default: []].append(shown)
      }
    }
  }

  /// Link-preview and search-engine facts for the page's head, from what its builder chose.
  func withSharing(_ page: Page) -> Page {
    var page = page
    let c = page.context
    var description = ""
    if case .text(let text)? = c["metaDescription"] { description = text }
    if description.isEmpty { description = siteTitle }
    var meta: [String: TemplateValue] = [
      "title": c["pageTitle"] ?? .text(siteTitle), "description": .text(description),
      "siteTitle": .text(siteTitle), "canonical": .null, "image": .null, "feed": .null,
      "ogType": .text(page.template == "work.html" ? "article" : "website"), "card": .text("summary"),
    ]
    if let base = baseURL {
      meta["canonical"] = .text(base + page.path)
      meta["feed"] = .text(base + "feed.xml")
      if case .object(var image)? = c["shareImage"], case .text(let path)? = image["path"] {
        image["url"] = .text(base + path)
        meta["image"] = .object(image)
        meta["card"] = .text("summary_large_image")
      }
    }
    page.context["meta"] = .object(meta)
    return page
  }

  /// Every page, one at a time, with its link-preview facts: a page's context is built when it
  /// is written and dropped after, so a call of any size never holds all its pages at once.
  func forEachPage(_ body: (Page) throws -> Void) rethrows {
    try forEachPageWithoutSharing { try body(withSharing($0)) }
  }

  func forEachPageWithoutSharing(_ body: (Page) throws -> Void) rethrows {
    try body(indexPage())
    try body(searchPage())
    for exhibition in model.exhibitions {
      let slug = exhibition.exhibition.slug
      let order = Order(exhibition)
      try forEachListPage(of: exhibition, medium: nil, order: order, body)
      for medium in exhibition.mediums where exhibition.mediums.count > 1 {
        try forEachListPage(of: exhibition, medium: medium, order: order, body)
      }
      for shown in exhibition.works {
        try body(
          Page(
            path: "\(slug)/works/\(shown.page).html", template: "work.html",
            context: workContext(shown, in: exhibition, root: "../../", order: order)))
      }
      try body(prizePage(exhibition))
      // No description, no about page: a visitor never meets a placeholder.
      if hasAbout(exhibition) { try body(aboutPage(exhibition)) }
    }
  }

  // MARK: Pages

  func common(root: String, title: String, exhibition: SiteModel.ExhibitionModel? = nil) -> [String: TemplateValue] {
    var context: [String: TemplateValue] = [
      "root": .text(root), "pageTitle": .text(title), "csp": .text(Self.contentSecurityPolicy),
      "siteTitle": .text(siteTitle), "exhibition": .null, "searchIndex": .bool(false),
      "searchURL": .text(root + "search.html"), "metaDescription": .null, "shareImage": .null,
    ]
    if let exhibition { context["exhibition"] = exhibitionSummary(exhibition, root: root) }
    return context
  }

  func indexPage() -> Page {
    var years: [Int: [TemplateValue]] = [:]
    for exhibition in model.exhibitions {
      var summary = exhibitionSummary(exhibition, root: "")
      if case .object(var fields) = summary {
        var picture = cover(exhibition)
        // The newest exhibition leads, twice as wide, when its picture is large enough to be
        // drawn that wide (about 730 px) without blurring; a cover set in type stays one wide.
        var wide = false
        if case .object(let p) = picture, case .text(let w)? = p["width"], let width = Int(w) { wide = width >= 720 }
        let featured = exhibition.exhibition.id == model.exhibitions.first?.exhibition.id && wide
        if featured, case .object(var p) = picture {
          p["sizes"] = .text("(min-width: 48rem) 46rem, 100vw")
          picture = .object(p)
        }
        fields["cover"] = picture
        fields["featured"] = .bool(featured)
        summary = .object(fields)
      }
      years[exhibition.exhibition.year, default: []].append(summary)
    }
    var context = common(root: "", title: model.siteTitle)
    context["years"] = .list(
      years.keys.sorted(by: >).map { year in .object(["year": .text(String(year)), "exhibitions": .list(years[year]!)])
      })
    context["hasExhibitions"] = .bool(!model.exhibitions.isEmpty)
    context["siteDescription"] = model.siteDescription.isEmpty ? .null : .text(model.siteDescription)
    let titles = model.exhibitions.prefix(3).map { "\($0.exhibition.title) (\($0.exhibition.year))" }
    // The organiser's own sentence when there is one, else the newest exhibitions (without the
    // site's title again when it is the newest exhibition's, as it is by default).
    let named = model.exhibitions.first?.exhibition.title == siteTitle ? "" : "\(siteTitle): "
    context["metaDescription"] = .text(
      !model.siteDescription.isEmpty
        ? model.siteDescription : titles.isEmpty ? siteTitle : named + titles.joined(separator: ", ") + ".")
    return Page(path: "index.html", template: "index.html", context: context)
  }

  /// Search across every exhibition, in the visitor's browser, from `search-index.js`.
  func searchPage() -> Page {
    var context = common(root: "", title: "Search — \(siteTitle)")
    context["searchIndex"] = .bool(true)
    context["metaDescription"] = .text("Search the works of \(siteTitle) by title, artist, statement or medium.")
    return Page(path: "search.html", template: "search.html", context: context)
  }

  func exhibitionSummary(_ e: SiteModel.ExhibitionModel, root: String) -> TemplateValue {
    let base = root + e.exhibition.slug + "/"
    return .object([
      "title": .text(e.exhibition.title), "year": .text(String(e.exhibition.year)), "url": .text(base + "index.html"),
      "aboutURL": hasAbout(e) ? .text(base + "about.html") : .null, "prizeURL": .text(base + "prize.html"),
      "count": .text(String(e.works.count)),
      "countLabel": .text(e.works.count == 1 ? "1 work" : "\(e.works.count) works"),
      "summary": paragraphs(e.exhibition.description).first.map { $0 } ?? .null,
    ])
  }

  /// The exhibition's page, or a filter's, split into pages of `worksPerPage` works: the first
  /// keeps its name (`index.html`, `medium-….html`), the others add `page-N`.
  func forEachListPage(
    of e: SiteModel.ExhibitionModel, medium: SiteModel.Medium?, order: Order, _ body: (Page) throws -> Void
  ) rethrows {
    let works = medium.map { order.inMedium[$0] ?? [] } ?? e.works
    let pages = listPageCount(works.count)
    for number in 1...pages {
      let start = min((number - 1) * worksPerPage, works.count)
      let end = min(start + worksPerPage, works.count)
      try body(
        exhibitionPage(
          e, medium: medium, works: works[start..<end], page: number, of: pages, total: works.count, order: order))
    }
  }

  /// A list page's file name inside its exhibition folder.
  static func listPageName(medium: SiteModel.Medium?, page: Int) -> String {
    let base = medium.map { "medium-\($0.slug)" } ?? "index"
    guard page > 1 else { return base + ".html" }
    return (medium == nil ? "page" : base + "-page") + "-\(page).html"
  }

  /// Previous, next, the first and last pages and the two either side of this one.
  func pagination(medium: SiteModel.Medium?, page: Int, of pages: Int, start: Int, end: Int, total: Int)
    -> TemplateValue
  {
    guard pages > 1 else { return .null }
    func url(_ n: Int) -> TemplateValue { .text(Self.listPageName(medium: medium, page: n)) }
    let shown = Set([1, pages] + Array(max(1, page - 2)...min(pages, page + 2))).sorted()
    var links: [TemplateValue] = []
    var last = 0
    for n in shown {
      if n > last + 1 { links.append(.object(["gap": .bool(true), "number": .null, "url": .null, "current": .null])) }
      links.append(
        .object(["gap": .bool(false), "number": .text(String(n)), "url": url(n), "current": .bool(n == page)]))
      last = n
    }
    return .object([
      "label": .text(medium.map { "Pages of \($0.label)" } ?? "Pages"),
      "previous": page > 1 ? url(page - 1) : .null, "next": page < pages ? url(page + 1) : .null,
      "pages": .list(links), "page": .text(String(page)), "count": .text(String(pages)),
      "first": .text(String(start + 1)), "last": .text(String(end)), "total": .text(String(total)),
    ])
  }

  func exhibitionPage(
    _ e: SiteModel.ExhibitionModel, medium: SiteModel.Medium?, works: ArraySlice<SiteModel.ExhibitedWork>,
    page: Int, of pages: Int, total: Int, order: Order
  ) -> Page {
    let root = "../"
    let title = medium.map { "\($0.label) — \(e.exhibition.title)" } ?? e.exhibition.title
    var context = common(root: root, title: pages > 1 ? "\(title), page \(page) of \(pages)" : title, exhibition: e)
    context["works"] = .list(works.map { card($0, in: e, root: root, from: medium) })
    let start = works.startIndex
    context["pagination"] = pagination(
      medium: medium, page: page, of: pages, start: start, end: works.endIndex, total: total)
    context["metaDescription"] = .text(
      paragraphText(e.exhibition.description) ?? "\(e.exhibition.title), \(e.exhibition.year): \(total) works.")
    if let first = works.lazy.compactMap({ shareImage($0.work) }).first { context["shareImage"] = first }
    context["hasWorks"] = .bool(!works.isEmpty)
    context["filter"] = medium.map { .object(["label": .text($0.label)]) } ?? .null
    context["allURL"] = .text("index.html")
    context["allCurrent"] = .bool(medium == nil)
    context["showFilters"] = .bool(e.mediums.count > 1)
    context["mediums"] = .list(
      e.mediums.map { m in
        .object([
          "label": .text(m.label), "slug": .text(m.slug), "url": .text("medium-\(m.slug).html"),
          "current": .bool(m == medium), "count": .text(String(order.inMedium[m]?.count ?? 0)),
        ])
      })
    let path = "\(e.exhibition.slug)/" + Self.listPageName(medium: medium, page: page)
    return Page(path: path, template: "exhibition.html", context: context)
  }

  func prizePage(_ e: SiteModel.ExhibitionModel) -> Page {
    let root = "../"
    var context = common(root: root, title: "Prize — \(e.exhibition.title)", exhibition: e)
    let pages = Dictionary(uniqueKeysWithValues: e.works.map { ($0.work.id, "works/\($0.page).html") })
    context["awarded"] = .bool(e.prize.awarded)
    context["winners"] = .list(
      e.prize.winners.map { w in
        .object([
          "title": .text(w.title), "artists": w.artists.map(TemplateValue.text) ?? .null,
          "amount": .text("\(money(w.amount)) \(e.prize.currency)"),
          "url": pages[w.id].map(TemplateValue.text) ?? .null,
        ])
      })
    context["citation"] = .list(paragraphs(e.prize.note ?? ""))
    context["mentions"] = .list(
      e.prize.mentions.map { m in
        .object([
          "title": .text(m.title), "artists": m.artists.map(TemplateValue.text) ?? .null,
          "note": m.note.flatMap { $0.isEmpty ? nil : TemplateValue.text($0) } ?? .null,
          "url": pages[m.id].map(TemplateValue.text) ?? .null,
        ])
      })
    context["hasMentions"] = .bool(!e.prize.mentions.isEmpty)
    context["prize"] = .text("\(money(e.prize.prize)) \(e.prize.currency)")
    context["metaDescription"] = .text("The prize of \(e.exhibition.title) \(e.exhibition.year).")
    return Page(path: "\(e.exhibition.slug)/prize.html", template: "prize.html", context: context)
  }

  func aboutPage(_ e: SiteModel.ExhibitionModel) -> Page {
    var context = common(root: "../", title: "About — \(e.exhibition.title)", exhibition: e)
    context["description"] = .list(paragraphs(e.exhibition.description))
    context["metaDescription"] = .text(paragraphText(e.exhibition.description) ?? "About \(e.exhibition.title).")
    context["hasDescription"] = .bool(hasAbout(e))
    return Page(path: "\(e.exhibition.slug)/about.html", template: "about.html", context: context)
  }

  /// An exhibition has an about page only when the organisers wrote its description.
  func hasAbout(_ e: SiteModel.ExhibitionModel) -> Bool {
    !e.exhibition.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
  }

  /// The picture on an exhibition's cover on the home page: the prize winner's first, else the
  /// first selected work's that has one; null when none has, and the cover is set in type.
  func cover(_ e: SiteModel.ExhibitionModel) -> TemplateValue {
    let winners = e.prize.winners.compactMap { w in e.works.first { $0.work.id == w.id } }
    // A waveform is not a picture of the work: an audio work's cover waits for another's.
    for shown in winners + e.works {
      for role in [FileRole.main, .video, .supplementary] {
        for file in shown.work.files where file.role == role {
          if let m = media.media[file.sha256], m.kind != .audio, !m.sizes.isEmpty {
            return image(m, root: "", alt: alt(shown.work), sizes: "(min-width: 48rem) 22rem, 100vw")
          }
        }
      }
    }
    return .null
  }
}
