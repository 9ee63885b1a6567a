import Catalog
import Foundation

/// Turns the site model into pages: a template name, a path and a context of values. Every
/// artist-provided string goes in as text, so the templates escape it.
struct PageRenderer {
  struct Page {
    var path: String
    var template: String
    var context: [String: TemplateValue]
  }

  let model: SiteModel
  let media: MediaBuilder.Outcome

  static let contentSecurityPolicy =
    "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'none'"

  func pages() -> [Page] {
    var pages: [Page] = [indexPage()]
    for exhibition in model.exhibitions {
      let slug = exhibition.exhibition.slug
      pages.append(exhibitionPage(exhibition, medium: nil))
      for medium in exhibition.mediums where exhibition.mediums.count > 1 {
        pages.append(exhibitionPage(exhibition, medium: medium))
      }
      for shown in exhibition.works {
        pages.append(
          Page(
            path: "\(slug)/works/\(shown.page).html", template: "work.html",
            context: workContext(shown, in: exhibition, root: "../../")))
      }
      pages.append(prizePage(exhibition))
      pages.append(aboutPage(exhibition))
    }
    return pages
  }

  // MARK: Pages

  func common(root: String, title: String, exhibition: SiteModel.ExhibitionModel? = nil) -> [String: TemplateValue] {
    var context: [String: TemplateValue] = [
      "root": .text(root), "pageTitle": .text(title), "csp": .text(Self.contentSecurityPolicy),
      "siteTitle": .text(model.siteTitle), "exhibition": .null,
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
    return Page(path: "index.html", template: "index.html", context: context)
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

  func exhibitionPage(_ e: SiteModel.ExhibitionModel, medium: SiteModel.Medium?) -> Page {
    let root = "../"
    let works = e.works.filter { medium == nil || $0.medium == medium }
    var context = common(
      root: root, title: medium.map { "\($0.label) — \(e.exhibition.title)" } ?? e.exhibition.title, exhibition: e)
    context["works"] = .list(works.map { card($0, in: e, root: root) })
    context["hasWorks"] = .bool(!works.isEmpty)
    context["filter"] = medium.map { .object(["label": .text($0.label)]) } ?? .null
    context["allURL"] = .text("index.html")
    context["allCurrent"] = .bool(medium == nil)
    context["showFilters"] = .bool(e.mediums.count > 1)
    context["mediums"] = .list(
      e.mediums.map { m in
        .object([
          "label": .text(m.label), "slug": .text(m.slug), "url": .text("medium-\(m.slug).html"),
          "current": .bool(m == medium), "count": .text(String(e.works.filter { $0.medium == m }.count)),
        ])
      })
    let path = medium.map { "\(e.exhibition.slug)/medium-\($0.slug).html" } ?? "\(e.exhibition.slug)/index.html"
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
    return Page(path: "\(e.exhibition.slug)/prize.html", template: "prize.html", context: context)
  }

  func aboutPage(_ e: SiteModel.ExhibitionModel) -> Page {
    var context = common(root: "../", title: "About — \(e.exhibition.title)", exhibition: e)
    context["description"] = .list(paragraphs(e.exhibition.description))
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

  func image(_ m: PublishedMedia, root: String, alt: String, sizes: String) -> TemplateValue {
    guard let largest = m.sizes.last else { return .null }
    return .object([
      "src": .text(root + largest.jpeg), "width": .text(String(largest.width)), "height": .text(String(largest.height)),
      "srcsetJPEG": .text(m.sizes.map { "\(root)\($0.jpeg) \($0.width)w" }.joined(separator: ", ")),
      "srcsetWebP": .text(m.sizes.map { "\(root)\($0.webp) \($0.width)w" }.joined(separator: ", ")),
      "sizes": .text(sizes), "alt": .text(alt),
    ])
  }

  func card(_ shown: SiteModel.ExhibitedWork, in e: SiteModel.ExhibitionModel, root: String) -> TemplateValue {
    let work = shown.work
    return .object([
      "title": .text(work.title), "url": .text("works/\(shown.page).html"),
      "artists": work.declarations.artists.map(TemplateValue.text) ?? .null, "medium": .text(shown.medium.label),
      "mediumSlug": .text(shown.medium.slug), "thumbnail": thumbnail(work, root: root, alt: alt(work)),
      "badge": badge(work, in: e),
    ])
  }

  func mediaItem(_ file: ReceivedFile, work: Work, root: String, primary: Bool) -> TemplateValue? {
    guard let m = media.media[file.sha256] else { return nil }
    let label =
      primary ? work.title : "Supplementary \(file.number.map(String.init) ?? "")".trimmingCharacters(in: .whitespaces)
    var item: [String: TemplateValue] = [
      "isImage": .bool(false), "isAudio": .bool(false), "isVideo": .bool(false), "isAnimation": .bool(false),
      "isAnimatedImage": .bool(false),
      "isPDF": .bool(false), "isText": .bool(false), "label": .text(label), "image": .null, "src": .null,
      "poster": .null, "pages": .list([]), "text": .null, "truncated": .bool(m.textTruncated), "width": .null,
      "height": .null,
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
      item["image"] = image(m, root: root, alt: altText, sizes: "(min-width: 60rem) 60rem, 100vw")
    case .video, .animation:
      guard let rendition = m.rendition else { return nil }
      if rendition.hasSuffix(".webp") {
        item["isAnimatedImage"] = .bool(true)
        item["alt"] = .text(altText)
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
        ? .null : image(m, root: root, alt: "Waveform of \(label)", sizes: "(min-width: 60rem) 60rem, 100vw")
    case .pdf:
      guard !m.pages.isEmpty else { return nil }
      item["isPDF"] = .bool(true)
      item["src"] = m.rendition.map { .text(root + $0) } ?? .null
      item["pages"] = .list(
        m.pages.enumerated().map { index, sizes in
          var page = PublishedMedia()
          page.sizes = sizes
          return .object([
            "image": image(
              page, root: root, alt: "Page \(index + 1) of \(label)", sizes: "(min-width: 60rem) 60rem, 100vw"),
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

  func workContext(_ shown: SiteModel.ExhibitedWork, in e: SiteModel.ExhibitionModel, root: String) -> [String:
    TemplateValue]
  {
    let work = shown.work
    let d = work.declarations
    var context = common(root: root, title: "\(work.title) — \(e.exhibition.title)", exhibition: e)
    let primary = work.files.filter { $0.role == .main || $0.role == .video }
    let supplementary = work.files.filter { $0.role == .supplementary }.sorted { ($0.number ?? 0) < ($1.number ?? 0) }
    let aiLabel: String
    switch d.aiUse {
    case .none: aiLabel = "Made without AI"
    case .assisted: aiLabel = "Made with AI assistance"
    case .generated: aiLabel = "AI-generated"
    case .unknown: aiLabel = "AI use not declared"
    }
    let venue =
      d.previouslyPublished == .yes ? d.priorVenue?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty : nil
    context["work"] = .object([
      "title": .text(work.title), "artists": d.artists.map(TemplateValue.text) ?? .null,
      // The medium as the artist declared it, linking to its category's filter.
      "medium": .text(d.medium?.trimmingCharacters(in: .whitespacesAndNewlines).nonEmpty ?? shown.medium.label),
      "mediumURL": .text(e.mediums.count > 1 ? "../medium-\(shown.medium.slug).html" : "../index.html"),
      "statement": .list(paragraphs(d.statement ?? "")),
      "aiUse": .text(aiLabel), "aiStatement": .list(paragraphs(d.aiStatement ?? "")),
      "priorVenue": venue.map(TemplateValue.text) ?? .null,
      "link": HTMLText.safeLink(d.link).map(TemplateValue.text) ?? .null,
      "media": .list(primary.compactMap { mediaItem($0, work: work, root: root, primary: true) }),
      "supplementary": .list(supplementary.compactMap { mediaItem($0, work: work, root: root, primary: false) }),
      "hasSupplementary": .bool(!supplementary.isEmpty), "badge": badge(work, in: e),
    ])
    return context
  }

  /// Text split at blank lines into paragraphs (each escaped by the template).
  func paragraphs(_ text: String) -> [TemplateValue] {
    text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
      .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.map { .text($0) }
  }
}
