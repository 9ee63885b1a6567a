import Basics
import Catalog
import Foundation

/// A work as the pages show it: its card, its pictures and players, its page and the walk
/// between works.
extension PageRenderer {
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
  func thumbnail(_ work: Work, root: String, alt: String, sizes: String = "(min-width: 40rem) 20rem, 100vw")
    -> TemplateValue
  {
    let order: [FileRole] = [.main, .supplementary, .video]
    for role in order {
      for file in work.files where file.role == role {
        if let m = media.media[file.sha256], !m.sizes.isEmpty {
          return image(m, root: root, alt: alt, sizes: sizes)
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
      // WebP only: every browser of 2026 shows it, so a JPEG for each width would cost bytes
      // and time for nobody.
      "src": .text(root + shown.webp), "width": .text(String(largest.width)), "height": .text(String(largest.height)),
      "eager": .bool(eager), "large": .text(root + largest.webp),
      "srcsetWebP": .text(m.sizes.map { "\(root)\($0.webp) \($0.width)w" }.joined(separator: ", ")),
      "sizes": .text(sizes), "alt": .text(alt),
    ])
  }

  /// The picture a link preview (and schema.org) shows: the work's first image, as the one JPEG
  /// it has (at page size), since not every link preview reads WebP.
  func shareImage(_ work: Work) -> TemplateValue? {
    for file in work.files where [.main, .video, .supplementary].contains(file.role) {
      if let m = media.media[file.sha256],
        let size = m.sizes.last(where: { $0.width <= Self.pageWidth && $0.jpeg != nil })
          ?? m.sizes.first(where: { $0.jpeg != nil }),
        let jpeg = size.jpeg
      {
        return .object([
          "path": .text(jpeg), "width": .text(String(size.width)), "height": .text(String(size.height)),
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
    var card: [String: TemplateValue] = [
      "title": .text(work.title), "url": .text("works/\(shown.page).html" + walk),
      "artists": work.declarations.artists.map(TemplateValue.text) ?? .null, "medium": .text(shown.medium.label),
      "mediumSlug": .text(shown.medium.slug), "thumbnail": .null, "badge": badge(work, in: e),
    ]
    // What the card shows of the work: its sound, its words, or else its picture.
    for (key, value) in face(work, root: root) { card[key] = value }
    return .object(card)
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
      item["poster"] = .text(root + largest.webp)
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
      // No statement, no section: a visitor never reads a placeholder.
      "hasStatement": .bool(!paragraphs(d.statement ?? "").isEmpty),
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
