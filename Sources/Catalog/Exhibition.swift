import Basics
import Foundation
import SQLite

/// One edition of a call: its rules are settings, not constants.
public struct Exhibition: Equatable, Codable, Sendable {
  package var id: Int
  package var slug: String
  package var title: String
  package var year: Int
  package var description: String
  public var limits: Limits
  package var prizeAmount: Double
  package var prizeCurrency: String
  /// Kept out of the gallery (an exhibition made by mistake, or not ready to publish).
  package var hidden: Bool = false
}

/// The call's limits that ingest enforces.
public struct Limits: Equatable, Codable, Sendable {
  package var maxZipBytes: Int = 100 * 1024 * 1024
  package var maxVideoSeconds: Double = 60
  /// Ten minutes: a song or a sound piece fits, with room; a file "lasting" days (a 1 Hz WAV)
  /// is refused at ingest instead of costing the media time limit at every export.
  package var maxAudioSeconds: Double = 600
  package var maxDescriptionPages: Int = 2
  package var maxPixels: Int = 100_000_000
  public var maxEntries: Int = 200
  public var maxUnpackedBytes: Int = 1024 * 1024 * 1024
  /// A damaged main work or video always rejects; a damaged supplementary file (the description,
  /// a supplement, another file) warns unless the organiser chose to reject it too.
  package var rejectDamagedSupplementary = false
  public init() {}

  /// Checks every limit against its documented range (in the units the catalog stores).
  package func validate() throws {
    let checks: [(String, Double, SettingRange)] = [
      ("largest zip", Double(maxZipBytes), .zipBytes), ("longest video", maxVideoSeconds, .videoSeconds),
      ("longest audio", maxAudioSeconds, .audioSeconds),
      ("longest description", Double(maxDescriptionPages), .descriptionPages),
      ("largest image", Double(maxPixels), .pixels), ("most files", Double(maxEntries), .files),
      ("most unpacked data", Double(maxUnpackedBytes), .unpackedBytes),
    ]
    for (name, value, range) in checks where !range.contains(value) {
      throw CatalogError.invalidSetting("The limit on the \(name) must be \(range.phrase).")
    }
  }
}

/// A scoring criterion of the exhibition's rubric.
package struct Criterion: Equatable, Codable, Sendable {
  package var key: String
  package var label: String
  package var weight: Double
  package var scaleMin: Int
  package var scaleMax: Int
  package init(key: String, label: String, weight: Double = 1, scaleMin: Int = 1, scaleMax: Int = 10) {
    self.key = key
    self.label = label
    self.weight = weight
    self.scaleMin = scaleMin
    self.scaleMax = scaleMax
  }

  /// Checks a rubric: short lowercase keys, each once, weights and integer scales in range.
  package static func validate(_ criteria: [Criterion]) throws {
    guard !criteria.isEmpty else { throw CatalogError.invalidSetting("The rubric needs at least one criterion.") }
    var keys = Set<String>()
    for c in criteria {
      guard let first = c.key.first, first.isLetter,
        c.key.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
      else {
        throw CatalogError.invalidSetting(
          "A criterion key is a short lowercase word (letters, digits, hyphens) starting with a letter, not \"\(c.key)\"."
        )
      }
      guard keys.insert(c.key).inserted else {
        throw CatalogError.invalidSetting("The criterion \"\(c.key)\" appears twice.")
      }
      guard SettingRange.weight.contains(c.weight) else {
        throw CatalogError.invalidSetting("The weight of \"\(c.key)\" must be \(SettingRange.weight.phrase).")
      }
      guard SettingRange.scaleBound.contains(Double(c.scaleMin)), SettingRange.scaleBound.contains(Double(c.scaleMax))
      else {
        throw CatalogError.invalidSetting(
          "The scale of \"\(c.key)\" must run between \(SettingRange.scaleBound.phrase).")
      }
      guard c.scaleMax > c.scaleMin else {
        throw CatalogError.invalidSetting("The scale of \"\(c.key)\" must run from a lower to a higher whole number.")
      }
      guard !["comment", "juror", "code", "submission", "title", "medium"].contains(c.key) else {
        throw CatalogError.invalidSetting("\"\(c.key)\" is reserved for the scoring sheet; choose another key.")
      }
    }
  }

  /// The call's defaults: artistic merit and thematic relevance, 1 to 10, equal weights.
  package static let defaults = [
    Criterion(key: "merit", label: "Artistic merit"),
    Criterion(key: "relevance", label: "Thematic relevance"),
  ]
}

/// What `salon init` asks for.
public struct NewExhibition: Sendable {
  package var title: String
  package var year: Int
  package var slug: String?
  package var description = ""
  public var limits = Limits()
  package var criteria = Criterion.defaults
  package var prizeAmount: Double = 200
  package var prizeCurrency = "USD"
  public init(title: String, year: Int) {
    self.title = title
    self.year = year
  }
}

extension SalonArchive {
  @discardableResult
  public func createExhibition(_ new: NewExhibition) throws -> Exhibition {
    let slug = new.slug ?? Self.slug(for: new.title, year: new.year)
    guard !slug.isEmpty, slug.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
      throw CatalogError.invalidSetting(
        "The slug \"\(slug)\" can only hold letters, digits and hyphens, as it names folders of the gallery.")
    }
    try Criterion.validate(new.criteria)
    guard !new.title.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw CatalogError.invalidSetting("The exhibition needs a title.")
    }
    try new.limits.validate()
    guard SettingRange.prize.contains(new.prizeAmount) else {
      throw CatalogError.invalidSetting("The prize must be \(SettingRange.prize.phrase).")
    }
    guard SettingRange.year.contains(Double(new.year)) else {
      throw CatalogError.invalidSetting("The year must be \(SettingRange.year.phrase).")
    }
    let limits = new.limits
    return try database.transaction {
      if try database.queryOne("SELECT id FROM exhibition WHERE slug = ?", [slug]) != nil {
        throw CatalogError.exhibitionExists(slug: slug)
      }
      try database.run(
        """
        INSERT INTO exhibition (slug, title, year, description, created_at, max_zip_bytes,
          max_video_seconds, max_description_pages, max_pixels, max_entries, max_unpacked_bytes,
          prize_amount, prize_currency, reject_damaged_supplementary, max_audio_seconds)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
          slug, new.title, new.year, new.description, Clock.now(), limits.maxZipBytes,
          limits.maxVideoSeconds, limits.maxDescriptionPages, limits.maxPixels, limits.maxEntries,
          limits.maxUnpackedBytes, new.prizeAmount, new.prizeCurrency, limits.rejectDamagedSupplementary ? 1 : 0,
          limits.maxAudioSeconds,
        ])
      let id = database.lastInsertRowID
      for (position, criterion) in new.criteria.enumerated() {
        try database.run(
          "INSERT INTO criterion (exhibition_id, key, label, weight, scale_min, scale_max, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
          [id, criterion.key, criterion.label, criterion.weight, criterion.scaleMin, criterion.scaleMax, position])
      }
      try record("exhibition-created", exhibition: id, detail: ["slug": slug, "title": new.title])
      return try exhibition(id: id)
    }
  }

  /// A slug from the title and year, e.g. "Creative AI Salon", 2026 → "creative-ai-salon-2026".
  package static func slug(for title: String, year: Int) -> String {
    var slug = Slug.make(title, fallback: "")
    let yearText = String(year)
    if !slug.hasSuffix(yearText) { slug += slug.isEmpty ? yearText : "-" + yearText }
    return slug
  }

  package func exhibition(id: Int) throws -> Exhibition {
    guard let row = try database.queryOne("SELECT * FROM exhibition WHERE id = ?", [id]) else {
      throw CatalogError.noExhibition
    }
    return try Self.exhibition(from: row)
  }

  /// The exhibition named by `slug`, or the default when none is named: the one chosen with
  /// `salon exhibition default`, else the newest that is not hidden.
  public func exhibition(slug: String?) throws -> Exhibition {
    if let slug {
      guard let row = try database.queryOne("SELECT * FROM exhibition WHERE slug = ? AND state != 'removed'", [slug])
      else { throw CatalogError.unknownExhibition(slug: slug) }
      return try Self.exhibition(from: row)
    }
    if let chosen = try setting(Self.defaultExhibitionSetting).flatMap(Int.init),
      let row = try database.queryOne("SELECT * FROM exhibition WHERE id = ? AND state != 'removed'", [chosen])
    {
      return try Self.exhibition(from: row)
    }
    guard
      let row = try database.queryOne(
        "SELECT * FROM exhibition WHERE state != 'removed' ORDER BY state = 'hidden', year DESC, id DESC LIMIT 1")
    else { throw CatalogError.noExhibition }
    return try Self.exhibition(from: row)
  }

  /// Every exhibition not removed, hidden ones included, newest first.
  package func exhibitions() throws -> [Exhibition] {
    try database.query("SELECT * FROM exhibition WHERE state != 'removed' ORDER BY year DESC, id DESC").map {
      try Self.exhibition(from: $0)
    }
  }

  package func criteria(exhibition: Int) throws -> [Criterion] {
    try database.query("SELECT * FROM criterion WHERE exhibition_id = ? ORDER BY position", [exhibition]).map {
      Criterion(
        key: try $0.string("key"), label: try $0.string("label"), weight: try $0.double("weight"),
        scaleMin: try $0.int("scale_min"), scaleMax: try $0.int("scale_max"))
    }
  }

  static func exhibition(from row: Row) throws -> Exhibition {
    var limits = Limits()
    limits.maxZipBytes = try row.int("max_zip_bytes")
    limits.maxVideoSeconds = try row.double("max_video_seconds")
    limits.maxAudioSeconds = try row.double("max_audio_seconds")
    limits.maxDescriptionPages = try row.int("max_description_pages")
    limits.maxPixels = try row.int("max_pixels")
    limits.maxEntries = try row.int("max_entries")
    limits.maxUnpackedBytes = try row.int("max_unpacked_bytes")
    limits.rejectDamagedSupplementary = try row.int("reject_damaged_supplementary") != 0
    return Exhibition(
      id: try row.int("id"), slug: try row.string("slug"), title: try row.string("title"),
      year: try row.int("year"), description: try row.string("description"), limits: limits,
      prizeAmount: try row.double("prize_amount"), prizeCurrency: try row.string("prize_currency"),
      hidden: try row.string("state") == "hidden")
  }
}
