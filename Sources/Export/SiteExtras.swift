import Basics
import Catalog
import Foundation

extension ExportSettings {
  /// The address as given, checked: an absolute http(s) URL, ending in "/" so page paths join it.
  package static func checkedBaseURL(_ text: String) throws -> String {
    guard var url = HTMLText.safeLink(text), URL(string: url)?.host?.isEmpty == false, !url.contains("?"),
      !url.contains("#")
    else {
      throw ExportError.output(
        "--base-url takes the site's web address, such as https://salon.example.org/gallery/ (\"\(text)\" is not one).")
    }
    if !url.hasSuffix("/") { url += "/" }
    return url
  }
}

/// The files beside the pages: the search index every page's search reads, and, when the site's
/// address is known (`--base-url`), a sitemap and an Atom feed of the exhibitions.
extension PageRenderer {
  /// The sitemap protocol's limit on the addresses one sitemap file may list.
  static let urlsPerSitemap = 50_000

  func extraFiles(paths: [String], urlsPerSitemap: Int = PageRenderer.urlsPerSitemap) throws -> [(
    path: String, data: Data
  )] {
    var files = [(path: "search-index.js", data: try searchIndex())]
    guard let base = baseURL else { return files }
    let header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    let namespace = "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""
    func urlset(_ paths: ArraySlice<String>) -> Data {
      let urls = paths.map { "<url><loc>\(HTMLText.escape(base + $0))</loc></url>" }
      return Data((header + "<urlset \(namespace)>\n" + urls.joined(separator: "\n") + "\n</urlset>\n").utf8)
    }
    let sorted = paths.sorted()
    let limit = max(1, urlsPerSitemap)
    if sorted.count <= limit {
      files.append(("sitemap.xml", urlset(sorted[...])))
    } else {
      // A larger call's pages go in numbered sitemaps, and sitemap.xml lists those.
      var index = header + "<sitemapindex \(namespace)>\n"
      for (n, start) in stride(from: 0, to: sorted.count, by: limit).enumerated() {
        let name = "sitemap-\(n + 1).xml"
        files.append((name, urlset(sorted[start..<min(start + limit, sorted.count)])))
        index += "<sitemap><loc>\(HTMLText.escape(base + name))</loc></sitemap>\n"
      }
      files.append(("sitemap.xml", Data((index + "</sitemapindex>\n").utf8)))
    }
    files.append(("feed.xml", Data(feed(base: base).utf8)))
    return files
  }

  /// One entry per exhibition, newest first; dated by its year, so the same archive gives the
  /// same feed byte for byte.
  func feed(base: String) -> String {
    func date(_ e: SiteModel.ExhibitionModel) -> String { "\(min(max(e.exhibition.year, 1), 9999))-01-01T00:00:00Z" }
    let newest = model.exhibitions.map(date).max() ?? "2000-01-01T00:00:00Z"
    let subtitle =
      model.siteDescription.isEmpty ? "" : "\n<subtitle>\(HTMLText.escape(model.siteDescription))</subtitle>"
    var xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom">
      <title>\(HTMLText.escape(siteTitle))</title>\(subtitle)
      <id>\(HTMLText.escape(base))</id>
      <link href="\(HTMLText.escape(base))"/>
      <link rel="self" href="\(HTMLText.escape(base + "feed.xml"))"/>
      <updated>\(newest)</updated>

      """
    for e in model.exhibitions {
      let url = HTMLText.escape(base + e.exhibition.slug + "/index.html")
      let summary = paragraphText(e.exhibition.description) ?? "\(e.works.count) works"
      xml += """
        <entry>
        <title>\(HTMLText.escape("\(e.exhibition.title) (\(e.exhibition.year))"))</title>
        <id>\(url)</id>
        <link href="\(url)"/>
        <updated>\(date(e))</updated>
        <author><name>\(HTMLText.escape(siteTitle))</name></author>
        <summary>\(HTMLText.escape(summary))</summary>
        </entry>

        """
    }
    return xml + "</feed>\n"
  }

  struct SearchEntry: Encodable {
    var title: String
    var artists: String
    var medium: String
    var statement: String
    var exhibition: String
    var url: String
  }

  /// A script that sets the index as data: a page opened from file:// may not fetch a JSON
  /// file, but it may load a script from its own site under the CSP's 'self'.
  func searchIndex() throws -> Data {
    var entries: [SearchEntry] = []
    for e in model.exhibitions {
      for shown in e.works {
        let d = shown.work.declarations
        entries.append(
          SearchEntry(
            title: shown.work.title, artists: d.artists ?? "",
            medium: [d.medium, shown.medium.label].compactMap { $0 }.joined(separator: " "),
            statement: String((d.statement ?? "").prefix(600)),
            exhibition: "\(e.exhibition.title) \(e.exhibition.year)",
            url: "\(e.exhibition.slug)/works/\(shown.page).html"))
      }
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var json = String(decoding: try encoder.encode(entries), as: UTF8.self)
    // Plain JSON is a valid script; "<" escaped keeps it inert even if a theme inlines it.
    json = json.replacingOccurrences(of: "<", with: "\\u003c")
    return Data("window.salonSearchIndex = \(json);\n".utf8)
  }

  /// The first paragraph of a text, shortened for a link preview.
  func paragraphText(_ text: String?, limit: Int = 200) -> String? {
    guard case .text(let first)? = paragraphs(text ?? "").first else { return nil }
    let flat = first.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
  }
}
