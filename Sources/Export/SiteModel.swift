import Basics
import Catalog
import Foundation

/// What the gallery shows, decided once: exhibitions newest first, and for each the works that
/// may be published, with stable page names.
package struct SiteModel {
  struct ExhibitedWork {
    var work: Work
    var page: String
    var medium: Medium
  }
  struct Medium: Hashable {
    var slug: String
    var label: String
  }
  struct ExhibitionModel {
    var exhibition: Exhibition
    var works: [ExhibitedWork]
    var mediums: [Medium]
    var prize: PrizeState
  }

  /// A work the catalog still knows that a recorded change took out of the gallery: declined,
  /// or its rights or authorship revoked (by a form re-import or an edit). Its page and media
  /// are removed from the site; a work the catalog no longer knows at all is not one of these.
  struct Unpublished {
    var exhibition: String
    var id: String
    /// The stored files of its latest version, whose media the site may hold.
    var files: [String]
  }

  var exhibitions: [ExhibitionModel] = []
  var leftOut: [ExportReport.LeftOut] = []
  var unpublished: [Unpublished] = []
  /// Stored files the organiser left out of the gallery (`submissions withhold`), whose media an
  /// earlier export may have published.
  var withheld: Set<String> = []
  /// The gallery's title, a setting of the archive.
  var siteTitle = SalonArchive.defaultSiteTitle
  /// The gallery's short description, a setting of the archive (empty when none is set).
  var siteDescription = ""

  /// No exhibitions: for pages that show media outside the gallery (a jury room).
  package init() {}

  init(archive: SalonArchive) throws {
    siteTitle = try archive.siteTitle()
    siteDescription = try archive.siteDescription()
    // A hidden exhibition (made by mistake, or not ready) stays out of the gallery.
    for exhibition in try archive.exhibitions() where !exhibition.hidden {
      let works = try archive.works(exhibition: exhibition)
      let prize = try archive.prizeState(exhibition: exhibition, works: works)
      let withheldFiles = try archive.withheldSHA256s(exhibition: exhibition)
      var shown: [ExhibitedWork] = []
      var usedPages = Set<String>()
      var mediums: [String: Medium] = [:]
      for var work in works {
        if let left = withheldFiles[work.rowID] {
          // Out of every later stage of the export: no derivative, no page, no search entry.
          withheld.formUnion(work.files.filter { left.contains($0.sha256) }.map(\.sha256))
          work.files.removeAll { left.contains($0.sha256) }
        }
        let reasons = Self.reasonsToLeaveOut(work)
        guard reasons.isEmpty else {
          leftOut.append(.init(exhibition: exhibition.slug, id: work.id, title: work.title, reasons: reasons))
          if Self.isUnpublished(work) {
            unpublished.append(.init(exhibition: exhibition.slug, id: work.id, files: work.files.map(\.sha256)))
          }
          continue
        }
        var page = Slug.make(work.id, fallback: "work", limit: 60)
        var n = 2
        while usedPages.contains(page) {
          page = Slug.make(work.id, fallback: "work", limit: 60) + "-\(n)"
          n += 1
        }
        usedPages.insert(page)
        // One filter per category of the call, however the form spelled the medium.
        let category = work.category
        let medium = Medium(
          slug: category.rawValue, label: category.label.prefix(1).uppercased() + category.label.dropFirst())
        mediums[category.rawValue] = medium
        shown.append(ExhibitedWork(work: work, page: page, medium: medium))
      }
      shown.sort { $0.work.id.localizedStandardCompare($1.work.id) == .orderedAscending }
      exhibitions.append(
        ExhibitionModel(
          exhibition: exhibition, works: shown,
          mediums: WorkCategory.allCases.compactMap { mediums[$0.rawValue] },
          prize: prize))
    }
  }

  /// True when the work is out of the gallery by an explicit, recorded change: the programme
  /// declined it, or the artist's rights or authorship now read "no". Not a work merely not yet
  /// selected, nor one whose declarations are unknown (a form without those columns).
  static func isUnpublished(_ work: Work) -> Bool {
    work.decision == "declined" || work.declarations.rightsGranted == .no
      || work.declarations.authorshipAffirmed == .no
  }

  /// Why a work may not be published; empty when it may.
  static func reasonsToLeaveOut(_ work: Work) -> [String] {
    var reasons: [String] = []
    if work.status != .accepted { reasons.append("it was rejected at ingest") }
    if !work.isSelected {
      reasons.append(work.decision == "declined" ? "it was declined for the programme" : "it has not been selected")
    }
    reasons += work.declarations.reasonsNotPublishable
    return reasons
  }
}
