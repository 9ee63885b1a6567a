import Foundation
import SQLite

/// Failures an organiser can act on, each one plain sentence.
package enum CatalogError: Error, Equatable, CustomStringConvertible {
  case noArchive(path: String)
  /// No archive where Salon looked (`path`, and every folder above it when `upward`), though
  /// the folders in `below` hold one: never a suggestion to create a second archive.
  case noArchiveFound(path: String, upward: Bool, below: [String])
  case notAnArchive(path: String)
  /// The catalog fails its integrity check (`catalog-damaged`); `reason` says what was found.
  case damagedCatalog(path: String, reason: String)
  case newerSchema(found: Int, supported: Int)
  case noExhibition
  case unknownExhibition(slug: String)
  case exhibitionExists(slug: String)
  case unknownSubmission(id: String)
  case invalidSetting(String)
  case storage(String)
  /// The catalog database failed in a way no caller handled.
  case database(DatabaseError)

  package var description: String {
    switch self {
    case .noArchive(let path):
      return "There is no Salon archive at \(path); create one with `salon init --title TITLE`."
    case .noArchiveFound(let path, let upward, let below):
      let looked = upward ? "in \(path) or any folder above it" : "at \(path)"
      guard let first = below.first else {
        return
          "There is no Salon archive \(looked); create one with `salon init --title TITLE`, or name one with --archive DIR."
      }
      let others = below.count > 1 ? " (and \(below.count - 1) more: \(below.dropFirst().joined(separator: ", ")))" : ""
      return
        "There is no Salon archive \(looked), but \(first) holds one\(others); run the command there, or add --archive \(first)."
    case .notAnArchive(let path):
      return "\(path) holds a catalog file Salon cannot read; it may be damaged or not Salon's."
    case .damagedCatalog(let path, let reason):
      return
        "The catalog \(path) fails its integrity check (catalog-damaged: \(reason)), so Salon will not use it; restore it from a backup."
    case .newerSchema(let found, let supported):
      return "This archive was written by a newer Salon (schema \(found), this one knows \(supported)); upgrade Salon."
    case .noExhibition:
      return "The archive has no exhibition yet; create one with `salon init --title TITLE`."
    case .unknownExhibition(let slug):
      return "There is no exhibition called \"\(slug)\" in this archive."
    case .exhibitionExists(let slug):
      return "An exhibition called \"\(slug)\" already exists; choose another --slug."
    case .unknownSubmission(let id):
      return "There is no submission \"\(id)\" in this exhibition."
    case .invalidSetting(let message):
      return message
    case .storage(let message):
      return message
    case .database(let error):
      let message = error.message.lowercased()
      if error.kind == .readOnly || message.contains("readonly") {
        return
          "The archive's catalog is read-only, so Salon cannot record anything; check the archive folder's permissions."
      }
      if error.code.primary == .full || message.contains("disk is full") {
        return
          "The disk is full; Salon could not add to the catalog and recorded nothing. Free some space and run the command again."
      }
      if message.contains("i/o error") {
        return
          "The disk reported an error while Salon used the catalog; check that it has space and is writable, then run the command again."
      }
      if message.contains("unable to open") {
        return "Salon cannot open the catalog; check that the archive folder and salon.sqlite may be read and written."
      }
      if error.kind == .busy {
        return "Another salon is using the archive; run the command again when it has finished."
      }
      if error.kind == .corrupt || error.kind == .notADatabase {
        return "The catalog is damaged or not Salon's; restore it from a backup (salon verify checks the store)."
      }
      return "The catalog refused the change (\(error.message)); nothing was recorded."
    }
  }
}
