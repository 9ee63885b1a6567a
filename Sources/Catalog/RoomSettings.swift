import Foundation

/// How a jury room shows each work's description, the artists' PDF (which the call asks to hold
/// their bios, so it may name them): the organiser's choice for the exhibition.
package enum RoomDescriptions: String, CaseIterable, Codable, Sendable {
  /// Shown with the work, as the artists sent it.
  case shown
  /// In the room, but shown only once the juror has scored the work. A determined juror can still
  /// open the page images in the room's folder: `leftOut` is the one that guarantees.
  case afterScoring = "after-scoring"
  /// Not in the room at all: no page of it is in the folder or the zip.
  case leftOut = "left-out"

  /// The careful default: the brief promises jurors see no artist's name unless the organiser
  /// chooses otherwise, and only leaving the pages out keeps that promise whatever a juror does.
  package static let standard = RoomDescriptions.leftOut

  /// The sentence the room's instructions say.
  package var instruction: String {
    switch self {
    case .shown:
      return "Each work's description, the artists' own PDF, is shown with it as they sent it; it may name them."
    case .afterScoring:
      return
        "Each work's description, the artists' own PDF, appears once you have scored the work: it may name them, and you judge the work first."
    case .leftOut:
      return
        "The artists' descriptions are not in this room: they may name the artists, and you judge each work by itself, its statement and its declarations."
    }
  }
}

/// Ranges of the jury room's flags.
extension SettingRange {
  /// `jury room --works-per-part`: a room with more works than this is made in parts.
  package static let roomWorksPerPart = SettingRange(1, 100_000, whole: true, unit: "works")
}

extension SalonArchive {
  static func roomDescriptionsSetting(_ exhibition: Exhibition) -> String { "room-descriptions:\(exhibition.id)" }

  /// The exhibition's choice of how rooms show descriptions (`RoomDescriptions.standard` unless set).
  package func roomDescriptions(exhibition: Exhibition) throws -> RoomDescriptions {
    try setting(Self.roomDescriptionsSetting(exhibition)).flatMap(RoomDescriptions.init(rawValue:))
      ?? .standard
  }

  package func setRoomDescriptions(exhibition: Exhibition, _ mode: RoomDescriptions) throws {
    try database.transaction {
      try database.run(
        "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [Self.roomDescriptionsSetting(exhibition), mode.rawValue])
      try record("setting", exhibition: exhibition.id, detail: ["roomDescriptions": mode.rawValue])
    }
  }
}
