import Catalog
import Foundation

/// schema.org facts about a work for search engines and archives, as JSON-LD: its type for the
/// medium, title, artists, year, medium, image, and how it was made as the artist declared it
/// (`digitalSourceType`, an IPTC URI). Only the declaration and the catalog's own facts go in:
/// nothing embedded in the artist's files (prompts, generator settings) ever does.
enum StructuredData {
  static let iptcVocabulary = "http://cv.iptc.org/newscodes/digitalsourcetype/"

  /// Whether the declared medium is a photograph or a film: captured, not drawn or written.
  static func isCapture(_ work: Work) -> Bool {
    if work.category == .film { return true }
    let medium = (work.declarations.medium ?? "").lowercased()
    return medium.contains("photo") || medium.contains("film") || medium.contains("video")
  }

  /// The schema.org type that fits the work's medium.
  static func type(of work: Work) -> String {
    switch work.category {
    case .visualArt:
      return (work.declarations.medium ?? "").lowercased().contains("photo") ? "Photograph" : "VisualArtwork"
    case .film: return "Movie"
    case .music: return "MusicRecording"
    case .games: return "VideoGame"
    case .writing, .mathematics, .performance, .other: return "CreativeWork"
    }
  }

  /// IPTC's digital source type for the declaration and the medium; nil when AI use was not declared.
  static func digitalSourceType(of work: Work) -> String? {
    switch work.declarations.aiUse {
    case .none: return iptcVocabulary + (isCapture(work) ? "digitalCapture" : "digitalCreation")
    // "Assisted" could be a small enhancement; the composite term claims no less than was declared.
    case .assisted: return iptcVocabulary + "compositeWithTrainedAlgorithmicMedia"
    case .generated: return iptcVocabulary + "trainedAlgorithmicMedia"
    case .unknown: return nil
    }
  }

  /// The JSON-LD object for a work; `image` and `url` are as the page links them.
  static func object(_ work: Work, year: Int, image: String?, url: String?) -> [String: Any] {
    let d = work.declarations
    var object: [String: Any] = [
      "@context": "https://schema.org", "@type": type(of: work), "name": work.title,
      "datePublished": String(year),
    ]
    if let artists = d.artists?.trimmingCharacters(in: .whitespacesAndNewlines), !artists.isEmpty {
      object["creator"] = ["@type": "Person", "name": artists]
    }
    if let medium = d.medium?.trimmingCharacters(in: .whitespacesAndNewlines), !medium.isEmpty {
      object[type(of: work) == "VisualArtwork" || type(of: work) == "Photograph" ? "artMedium" : "genre"] = medium
    }
    if let image { object["image"] = image }
    if let url { object["url"] = url }
    if let source = digitalSourceType(of: work) { object["digitalSourceType"] = source }
    return object
  }

  /// The object as text safe inside a `<script type="application/ld+json">` element: `<`, `>`
  /// and `&` escaped as JSON escapes, so no text can close the element or open a comment.
  static func script(_ object: [String: Any]) -> String {
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return "{}" }
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
      .replacingOccurrences(of: ">", with: "\\u003e").replacingOccurrences(of: "&", with: "\\u0026")
  }
}

extension PageRenderer {
  /// The work page's JSON-LD, for `{{{structuredData}}}` (built here from escaped parts).
  func structuredData(_ shown: SiteModel.ExhibitedWork, in e: SiteModel.ExhibitionModel, root: String)
    -> TemplateValue
  {
    var image: String?
    if case .object(let share)? = shareImage(shown.work), case .text(let path)? = share["path"] {
      image = (baseURL ?? root) + path
    }
    let url = baseURL.map { $0 + "\(e.exhibition.slug)/works/\(shown.page).html" }
    return .html(
      StructuredData.script(StructuredData.object(shown.work, year: e.exhibition.year, image: image, url: url)))
  }
}
