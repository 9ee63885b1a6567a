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
        return 2 + e.works.count + listPageCount(e.works.count) + filters
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
      try body(aboutPage(exhibition))
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
      years[exhibition.exhibition.year, default: []].append(exhibitionSummary(exhibition, root: ""))
    }
    var context = common(root: "", title: model.siteTitle)
    context["years"] = .list(
      years.keys.sorted(by: >).map { year in .object(["year": .text(String(year)), "exhibitions": .list(years[year]!)])
      })
    context["hasExhibitions"] = .bool(!model.exhibitions.isEmpty)
    context["siteDescription"] = model.siteDescription.isEmpty ? .null : .text(model.siteDescription)
    let titles = model.exhibitions.prefix(3).map { "\($0.exhibition.title) (\($0.exhibition.year))" }
    // The organiser's own sentence when there is one, else the newest exhibitions.
    context["metaDescription"] = .text(
      !model.siteDescription.isEmpty
        ? model.siteDescription : titles.isEmpty ? siteTitle : "\(siteTitle): " + titles.joined(separator: ", ") + ".")
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
      "aboutURL": .text(base + "about.html"), "prizeURL": .text(base + "prize.html"),
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
    context["hasDescription"] = .bool(!e.exhibition.description.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    return Page(path: "\(e.exhibition.slug)/about.html", template: "about.html", context: context)
  }

  // MARK: Works

  func alt(_ work: Work) -> String {
    if let alt = work.declarations.altText?.trimmingCharacters(in: .whitespacesAndNewlines), !alt.isEmpty { return alt }
    return [work.title, work.declarations.medium].compactMap { $0 }.joined(separator: ", ")
  }

  func badge(_ work: Work, in e: SiteModel.ExhibitionModel) -> TemplateValue {
    if let winner = e.prize.winners.first(where: { $0.id == work.id }) {
      return .object([
        "label": .text("Prize winner"), "detail": .text("\(money(winner.amount)) \(e.prize.currency)"),
        "kind": .text("winner"),
      ])
    }
    if e.prize.mentions.contains(where: { $0.id == work.id }) {
      return .object(["label": .text("Honourable mention"), "detail": .null, "kind": .text("mention")])
    }
    return .null
  }

  /// The image that stands for a work in the grid: its main image, else a PDF's first page,
  /// else a supplementary image.
  func thumbnail(_ work: Work, root: String, alt: String) -> TemplateValue {
    let order: [FileRole] = [.main, .supplementary, .video]
    for role in order {
      for file in work.files where file.role == role {
        if let m = media.media[file.sha256], !m.sizes.isEmpty {
          return image(m, root: root, alt: alt, sizes: "(min-width: 40rem) 20rem, 100vw")
        }
      }
    }
    return .null
  }

  /// Widths of 1200 px and less are what a page shows; a larger one is for the viewer.
  static let pageWidth = 1200

  func image(_ m: PublishedMedia, root: String, alt: String, sizes: String, eager: Bool = false) -> TemplateValue {
    guard let largest = m.sizes.last else { return .null }
    let shown = m.sizes.last { $0.width <= Self.pageWidth } ?? largest
    return .object([
      "src": .text(root + shown.jpeg), "width": .text(String(largest.width)), "height": .text(String(largest.height)),
      "eager": .bool(eager), "large": .text(root + largest.jpeg),
      "srcsetJPEG": .text(m.sizes.map { "\(root)\($0.jpeg) \($0.width)w" }.joined(separator: ", ")),
      "srcsetWebP": .text(m.sizes.map { "\(root)\($0.webp) \($0.width)w" }.joined(separator: ", ")),
      "sizes": .text(sizes), "alt": .text(alt),
    ])
  }

  /// The picture a link preview shows: the work's first image, at page size.
  func shareImage(_ work: Work) -> TemplateValue? {
    for file in work.files where [.main, .video, .supplementary].contains(file.role) {
      if let m = media.media[file.sha256],
        let size = m.sizes.last(where: { $0.width <= Self.pageWidth }) ?? m.sizes.first
      {
        return .object([
          "path": .text(size.jpeg), "width": .text(String(size.width)), "height": .text(String(size.height)),
          "alt": .text(alt(work)),
        ])
      }
    }
    return nil
  }

  func card(
    _ shown: SiteModel.ExhibitedWork, in e: SiteModel.ExhibitionModel, root: String,
    from medium: SiteModel.Medium? = nil
  ) -> TemplateValue {
    let work = shown.work
    // From a filter page, the work page walks within that filter.
    let walk = medium.map { "?in=\($0.slug)" } ?? ""
    return .object([
      "title": .text(work.title), "url": .text("works/\(shown.page).html" + walk),
      "artists": work.declarations.artists.map(TemplateValue.text) ?? .null, "medium": .text(shown.medium.label),
      "mediumSlug": .text(shown.medium.slug), "thumbnail": thumbnail(work, root: root, alt: alt(work)),
      "badge": badge(work, in: e),
    ])
  }

  package func mediaItem(_ file: ReceivedFile, work: Work, root: String, primary: Bool, first: Bool = false)
    -> TemplateValue?
  {
    guard let m = media.media[file.sha256] else { return nil }
    let label =
      primary ? work.title : "Supplementary \(file.number.map(String.init) ?? "")".trimmingCharacters(in: .whitespaces)
    var item: [String: TemplateValue] = [
      "isImage": .bool(false), "isAudio": .bool(false), "isVideo": .bool(false), "isAnimation": .bool(false),
      "isAnimatedImage": .bool(false),
      "isPDF": .bool(false), "isText": .bool(false), "label": .text(label), "image": .null, "src": .null,
      "poster": .null, "pages": .list([]), "text": .null, "truncated": .bool(m.textTruncated), "width": .null,
      "height": .null, "eager": .bool(false),
    ]
    // The picture's own size gives the player its shape before the video loads.
    if let largest = m.sizes.last {
      item["poster"] = .text(root + largest.jpeg)
      item["width"] = .text(String(largest.width))
      item["height"] = .text(String(largest.height))
    }
    let altText = primary ? alt(work) : "\(label) of \(work.title)"
    switch m.kind {
    case .image:
      guard !m.sizes.isEmpty else { return nil }
      item["isImage"] = .bool(true)
      // The page's largest element: fetched first, not lazily.
      item["image"] = image(m, root: root, alt: altText, sizes: "(min-width: 60rem) 60rem, 100vw", eager: first)
    case .video, .animation:
      guard let rendition = m.rendition else { return nil }
      if rendition.hasSuffix(".webp") {
        item["isAnimatedImage"] = .bool(true)
        item["alt"] = .text(altText)
        item["eager"] = .bool(first)
      } else {
        item[m.kind == .video ? "isVideo" : "isAnimation"] = .bool(true)
      }
      item["src"] = .text(root + rendition)
    case .audio:
      guard let rendition = m.rendition else { return nil }
      item["isAudio"] = .bool(true)
      item["src"] = .text(root + rendition)
      item["image"] =
        m.sizes.isEmpty
        ? .null
        : image(m, root: root, alt: "Waveform of \(label)", sizes: "(min-width: 60rem) 60rem, 100vw", eager: first)
    case .pdf:
      guard !m.pages.isEmpty else { return nil }
      item["isPDF"] = .bool(true)
      item["src"] = m.rendition.map { .text(root + $0) } ?? .null
      item["pages"] = .list(
        m.pages.enumerated().map { index, sizes in
          var page = PublishedMedia()
          page.sizes = sizes
          return .object([
            // A main PDF's first page is what the visitor came to see: fetched first.
            "image": image(
              page, root: root, alt: "Page \(index + 1) of \(label)", sizes: "(min-width: 60rem) 60rem, 100vw",
              eager: first && index == 0),
            "number": .text(String(index + 1)),
          ])
        })
    case .text:
      guard let text = m.text else { return nil }
      item["isText"] = .bool(true)
      item["text"] = .text(text)
    }
    return .object(item)
  }

  func workContext(
    _ shown: SiteModel.ExhibitedWork, in e: SiteModel.ExhibitionModel, root: String, order: Order
  ) -> [String: TemplateValue] {
    let work = shown.work
    let d = work.declarations
    var context = common(root: root, title: "\(work.title) — \(e.exhibition.title)", exhibition: e)
    let byLine = d.artists?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty.map { " by \($0)" } ?? ""
    context["metaDescription"] = .text(
      paragraphText(d.statement)
        ?? "\(work.title)\(byLine), \(shown.medium.label), \(e.exhibition.title) \(e.exhibition.year).")
    context["shareImage"] = shareImage(work) ?? .null
    context["structuredData"] = structuredData(shown, in: e, root: root)
    let primary = work.files.filter { $0.role == .main || $0.role == .video }
    let supplementary = work.files.filter { $0.role == .supplementary }.sorted { ($0.number ?? 0) < ($1.number ?? 0) }
    let venue =
      d.previouslyPublished == .yes ? d.priorVenue?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty : nil
    context["work"] = .object([
      "title": .text(work.title), "artists": d.artists.map(TemplateValue.text) ?? .null,
      // The medium as the artist declared it, linking to its category's filter.
      "medium": .text(d.medium?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty ?? shown.medium.label),
      "mediumURL": .text(e.mediums.count > 1 ? "../medium-\(shown.medium.slug).html" : "../index.html"),
      "statement": .list(paragraphs(d.statement ?? "")),
      "aiUse": .text(d.aiUse.label), "aiStatement": .list(paragraphs(d.aiStatement ?? "")),
      "priorVenue": venue.map(TemplateValue.text) ?? .null,
      "link": HTMLText.safeLink(d.link).map(TemplateValue.text) ?? .null,
      "media": .list(
        primary.enumerated().compactMap { index, file in
          mediaItem(file, work: work, root: root, primary: true, first: index == 0)
        }),
      "year": .text(String(e.exhibition.year)), "walk": walk(shown, in: e, order: order),
      "supplementary": .list(supplementary.compactMap { mediaItem($0, work: work, root: root, primary: false) }),
      "hasSupplementary": .bool(!supplementary.isEmpty), "badge": badge(work, in: e),
    ])
    return context
  }

  /// The neighbours of a work in the exhibition's order, and within its filter: the page links
  /// to the first, and the script switches to the second when the visitor came from the filter.
  func walk(_ shown: SiteModel.ExhibitedWork, in e: SiteModel.ExhibitionModel, order: Order) -> TemplateValue {
    func link(_ list: [SiteModel.ExhibitedWork], at index: Int?, _ offset: Int, query: String) -> TemplateValue {
      guard let index else { return .null }
      let target = index + offset
      guard list.indices.contains(target) else { return .null }
      return .object(["url": .text("\(list[target].page).html\(query)"), "title": .text(list[target].work.title)])
    }
    let sameMedium = order.inMedium[shown.medium] ?? []
    let inMediumAt = order.positionInMedium[shown.page]
    let at = order.position[shown.page]
    let filtered = e.mediums.count > 1
    let inMedium: (Int) -> TemplateValue = { offset in
      guard filtered,
        case .object(let o) = link(sameMedium, at: inMediumAt, offset, query: "?in=\(shown.medium.slug)"),
        case .text(let url)? = o["url"]
      else { return .text("") }
      return .text(url)
    }
    return .object([
      "previous": link(e.works, at: at, -1, query: ""), "next": link(e.works, at: at, 1, query: ""),
      "medium": .text(filtered ? shown.medium.slug : ""), "mediumLabel": .text(shown.medium.label),
      "previousInMedium": inMedium(-1), "nextInMedium": inMedium(1),
    ])
  }

  /// Text split at blank lines into paragraphs (each escaped by the template).
  package func paragraphs(_ text: String) -> [TemplateValue] {
    text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
      .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.map { .text($0) }
  }
}
