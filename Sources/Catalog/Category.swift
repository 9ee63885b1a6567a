import Foundation
import SQLite

/// The call's categories, which the gallery's filters use, whatever the form's free-text medium says.
package enum WorkCategory: String, CaseIterable, Codable, Sendable {
  case visualArt = "visual-art"
  case writing, music, film, games, mathematics, performance, other

  /// As visitors and organisers read it.
  package var label: String { self == .visualArt ? "visual art" : rawValue }

  /// A category as an organiser types it: "visual-art", "Visual art", "visualart".
  package init?(typed: String) {
    let key = typed.lowercased().filter { $0.isLetter }
    guard let found = Self.allCases.first(where: { $0.rawValue.filter(\.isLetter) == key }) else { return nil }
    self = found
  }

  /// Word beginnings that name each category, in the order they are tried ("art=" is the whole
  /// word, so "artificial" names nothing).
  static let keywords: [(WorkCategory, [String])] = [
    (.film, ["film", "video", "movie", "cinema", "animation", "animated", "moving image"]),
    (.music, ["music", "audio", "sound", "song", "composition", "sonic", "album"]),
    (.games, ["game", "videogame", "interactive", "playable"]),
    (.mathematics, ["math", "geometr", "fractal", "theorem", "proof", "topolog"]),
    (.performance, ["perform", "dance", "theatre", "theater", "choreograph", "live act"]),
    (
      .writing,
      [
        "writ", "text", "poem", "poet", "story", "stories", "fiction", "prose", "essay", "literat", "novel",
        "narrative",
      ]
    ),
    (
      .visualArt,
      [
        "image", "visual", "paint", "draw", "photo", "illustrat", "print", "sculpt", "collage", "graphic", "picture",
        "art=", "arts=", "artwork", "installation", "digital art", "comic",
      ]
    ),
  ]

  /// The category a free-text medium names, by the first word that names one ("Image (digital
  /// painting)" → visual art, "Short film" → film); `other` when none does, nil without a medium.
  package static func inferred(fromMedium medium: String?) -> WorkCategory? {
    guard let medium, !medium.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
    let words = medium.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
    for (index, word) in words.enumerated() {
      let pair = index + 1 < words.count ? word + " " + words[index + 1] : word
      func names(_ stem: String) -> Bool {
        stem.hasSuffix("=") ? word == stem.dropLast() : word.hasPrefix(stem) || pair.hasPrefix(stem)
      }
      for (category, stems) in keywords where stems.contains(where: names) {
        return category
      }
    }
    return .other
  }
}

extension SalonArchive {
  /// The submission's category: the latest choice recorded, else what its medium names.
  package func category(submissionRow: Int, medium: String?) throws -> WorkCategory {
    if let row = try database.queryOne(
      "SELECT category FROM category_choice WHERE submission_id = ? ORDER BY id DESC LIMIT 1", [submissionRow]),
      let category = WorkCategory(rawValue: try row.string("category"))
    {
      return category
    }
    return WorkCategory.inferred(fromMedium: medium) ?? .other
  }

  /// Records the category the form's medium names, unless the organiser has chosen one.
  @discardableResult
  package func recordInferredCategory(exhibition: Exhibition, id key: String, medium: String?) throws -> WorkCategory {
    let submission = try submissionRowID(exhibition: exhibition, key: key)
    return try database.transaction {
      let latest = try database.queryOne(
        "SELECT category, source FROM category_choice WHERE submission_id = ? ORDER BY id DESC LIMIT 1", [submission])
      if let latest, try latest.string("source") == "organiser",
        let chosen = WorkCategory(rawValue: try latest.string("category"))
      {
        return chosen
      }
      let category = WorkCategory.inferred(fromMedium: medium) ?? .other
      if try latest?.string("category") != category.rawValue {
        try database.run(
          "INSERT INTO category_choice (submission_id, category, source, medium, time) VALUES (?, ?, 'form', ?, ?)",
          [submission, category.rawValue, medium, Clock.now()])
      }
      return category
    }
  }

  /// The organiser's choice of category for a submission; it outlasts later versions.
  package func chooseCategory(exhibition: Exhibition, id key: String, category: WorkCategory) throws {
    let submission = try submissionRowID(exhibition: exhibition, key: key)
    try database.transaction {
      try database.run(
        "INSERT INTO category_choice (submission_id, category, source, time) VALUES (?, ?, 'organiser', ?)",
        [submission, category.rawValue, Clock.now()])
      try record("category", exhibition: exhibition.id, submission: submission, detail: ["category": category.rawValue])
    }
  }
}
