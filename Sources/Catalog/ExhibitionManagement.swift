import Foundation
import SQLite

/// Undoing mistakes: an exhibition renamed, hidden from the gallery, removed while it holds
/// nothing, or chosen as the default for every command.
extension SalonArchive {
  static let defaultExhibitionSetting = "default-exhibition"
  static let siteTitleSetting = "site-title"
  static let siteDescriptionSetting = "site-description"
  /// A link preview shows about this much; a longer text belongs on an exhibition's about page.
  package static let siteDescriptionLimit = 300
  /// The gallery's title when the organiser has not chosen one.
  package static let defaultSiteTitle = "Exhibition archive"

  /// The exhibition commands use when none is named (nil when the archive has none).
  package func defaultExhibition() throws -> Exhibition? {
    do { return try exhibition(slug: nil) } catch CatalogError.noExhibition { return nil }
  }

  package func renameExhibition(_ exhibition: Exhibition, title: String) throws -> Exhibition {
    let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !title.isEmpty else { throw CatalogError.invalidSetting("The exhibition needs a title.") }
    return try database.transaction {
      try database.run("UPDATE exhibition SET title = ? WHERE id = ?", [title, exhibition.id])
      try record("exhibition-renamed", exhibition: exhibition.id, detail: ["from": exhibition.title, "to": title])
      return try self.exhibition(id: exhibition.id)
    }
  }

  /// Hides the exhibition from the gallery (or shows it again); nothing in it changes.
  package func setExhibitionHidden(_ exhibition: Exhibition, hidden: Bool) throws {
    try database.transaction {
      try database.run(
        "UPDATE exhibition SET state = ? WHERE id = ? AND state != 'removed'",
        [hidden ? "hidden" : "shown", exhibition.id])
      try record(hidden ? "exhibition-hidden" : "exhibition-shown", exhibition: exhibition.id)
    }
  }

  /// What the exhibition holds, by what an organiser calls it; empty when it may be removed.
  package func contents(of exhibition: Exhibition) throws -> [String] {
    let counts: [(String, String)] = [
      ("submission", "SELECT count(*) AS n FROM submission WHERE exhibition_id = ?"),
      ("juror", "SELECT count(*) AS n FROM juror WHERE exhibition_id = ?"),
      ("prize record", "SELECT count(*) AS n FROM prize_round WHERE exhibition_id = ?"),
      ("mention", "SELECT count(*) AS n FROM mention WHERE exhibition_id = ?"),
    ]
    return try counts.compactMap { name, sql in
      let n = try database.queryValue(sql, [exhibition.id]).int("n")
      return n == 0 ? nil : "\(n) \(name)\(n == 1 ? "" : "s")"
    }
  }

  /// Removes an exhibition that holds nothing. Its row stays (the event log points at it) but it
  /// is gone from every command and the gallery, and its slug is free again.
  package func removeExhibition(_ exhibition: Exhibition) throws {
    try database.transaction {
      let held = try contents(of: exhibition)
      guard held.isEmpty else {
        throw CatalogError.invalidSetting(
          "The exhibition \"\(exhibition.slug)\" holds \(held.joined(separator: ", ")), so it cannot be removed; hide it instead with `salon exhibition hide \(exhibition.slug)`."
        )
      }
      try database.run(
        "UPDATE exhibition SET state = 'removed', slug = ? WHERE id = ?",
        ["removed-\(exhibition.id)-\(exhibition.slug)", exhibition.id])
      if try setting(Self.defaultExhibitionSetting) == String(exhibition.id) {
        try database.run("DELETE FROM setting WHERE key = ?", [Self.defaultExhibitionSetting])
      }
      try record("exhibition-removed", exhibition: exhibition.id, detail: ["slug": exhibition.slug])
    }
  }

  /// Makes `exhibition` the one every command uses when no --exhibition is given.
  package func setDefaultExhibition(_ exhibition: Exhibition) throws {
    try database.transaction {
      try database.run(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [Self.defaultExhibitionSetting, String(exhibition.id)])
      try record("exhibition-default", exhibition: exhibition.id, detail: ["slug": exhibition.slug])
    }
  }

  /// The gallery's site title, a setting of the archive; when the organiser has set none, the
  /// newest exhibition's title (never a placeholder a visitor would read as the gallery's name).
  package func siteTitle() throws -> String {
    if let chosen = try setting(Self.siteTitleSetting) { return chosen }
    let all = try exhibitions()
    return (all.first { !$0.hidden } ?? all.first)?.title ?? Self.defaultSiteTitle
  }

  package func setSiteTitle(_ title: String) throws {
    let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !title.isEmpty else { throw CatalogError.invalidSetting("The site title cannot be empty.") }
    guard title.count <= 200 else { throw CatalogError.invalidSetting("The site title can be at most 200 characters.") }
    try database.transaction {
      try database.run(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [Self.siteTitleSetting, title])
      try record("setting", exhibition: nil, detail: ["siteTitle": title])
    }
  }

  /// The gallery's short description, a setting of the archive: on the home page and in its
  /// link preview. Empty when the organiser has not written one.
  package func siteDescription() throws -> String {
    try setting(Self.siteDescriptionSetting) ?? ""
  }

  /// The description as it is kept: on one line, since it becomes a meta tag.
  package static func siteDescriptionText(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// Sets the description; an empty text removes it.
  package func setSiteDescription(_ text: String) throws {
    let text = Self.siteDescriptionText(text)
    guard text.count <= Self.siteDescriptionLimit else {
      throw CatalogError.invalidSetting(
        "The site description can be at most \(Self.siteDescriptionLimit) characters; it has \(text.count).")
    }
    try database.transaction {
      if text.isEmpty {
        try database.run("DELETE FROM setting WHERE key = ?", [Self.siteDescriptionSetting])
      } else {
        try database.run(
          "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          [Self.siteDescriptionSetting, text])
      }
      try record("setting", exhibition: nil, detail: ["siteDescription": text])
    }
  }
}

extension SalonArchive {
  package func submissionCount(exhibition: Exhibition) throws -> Int {
    try database.queryValue("SELECT count(*) AS n FROM submission WHERE exhibition_id = ?", [exhibition.id]).int("n")
  }
}
