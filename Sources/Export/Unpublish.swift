import Basics
import Foundation

/// A re-export takes down what Salon itself published for a work a recorded change unpublished:
/// its page and its media, unless a published work still uses them. Nothing else in the folder
/// is touched: only files the last export's manifest lists and this export did not write.
extension SiteWriter {
  /// Remembers the page and media of each work shown, for a later export to remove if the work
  /// is unpublished; works no longer shown whose files are still in the site keep their entry.
  mutating func recordWorks(_ model: SiteModel, media: MediaBuilder.Outcome) {
    var works: [String: [String]] = [:]
    for (key, paths) in previous.works ?? [:] { works[key] = paths.filter(SiteFolder.isSafe) }
    for exhibition in model.exhibitions {
      let slug = exhibition.exhibition.slug
      for shown in exhibition.works {
        var paths = ["\(slug)/works/\(shown.page).html"]
        for file in shown.work.files where MediaBuilder.publishedRoles.contains(file.role) {
          paths += media.media[file.sha256]?.files ?? []
        }
        works["\(slug)/\(shown.work.id)"] = paths
      }
    }
    manifest.works = works
  }

  /// Removes the pages and media an earlier export made for `works` that this export did not
  /// write (a file a published work still uses was written, so it stays); returns their paths.
  mutating func removeUnpublished(_ works: [SiteModel.Unpublished]) -> [String] {
    guard !works.isEmpty else { return [] }
    let stale = Set(self.stale)
    // The media of one stored file sits under media/ab/<sha>…, whatever its sizes and formats.
    var mediaBySHA: [Substring: [String]] = [:]
    for path in stale where path.hasPrefix("media/") {
      let parts = path.split(separator: "/")
      if parts.count == 3 { mediaBySHA[parts[2].prefix(64), default: []].append(path) }
    }
    var targets = Set<String>()
    for work in works {
      let key = "\(work.exhibition)/\(work.id)"
      if let paths = previous.works?[key] {
        targets.formUnion(paths)
      } else {
        // An older manifest has no works: the page a work's id is given by default, and the
        // media of its files.
        targets.insert("\(work.exhibition)/works/\(Slug.make(work.id, fallback: "work", limit: 60)).html")
        for sha in work.files { targets.formUnion(mediaBySHA[Substring(sha)] ?? []) }
      }
      manifest.works?[key] = nil
    }
    var removed: [String] = []
    for path in targets.intersection(stale).sorted() where SiteFolder.isSafe(path) {
      if folder.remove(path) || !folder.hasFile(path) { removed.append(path) }
    }
    return removed
  }

  /// Removes the media an earlier export made of files this export published again under other
  /// names (the tools or a setting that shapes them changed: `MediaBuilder.publishedStem`), so
  /// the site keeps one set of each file's media. A work no longer shown whose page is kept
  /// (see `--prune`) keeps the media its page names.
  func removeSuperseded(published shas: Set<String>) -> [String] {
    guard !shas.isEmpty else { return [] }
    let named = Set((manifest.works ?? [:]).values.joined())
    var removed: [String] = []
    for path in stale where path.hasPrefix("media/") && SiteFolder.isSafe(path) && !named.contains(path) {
      let parts = path.split(separator: "/")
      guard parts.count == 3, shas.contains(String(parts[2].prefix(64))) else { continue }
      if folder.remove(path) || !folder.hasFile(path) { removed.append(path) }
    }
    return removed
  }

  /// Removes the media an earlier export made of files the organiser has since left out of the
  /// gallery (`submissions withhold`), unless this export wrote them again for another work.
  func removeWithheld(_ files: Set<String>) -> [String] {
    guard !files.isEmpty else { return [] }
    var removed: [String] = []
    for path in stale where path.hasPrefix("media/") && SiteFolder.isSafe(path) {
      let parts = path.split(separator: "/")
      guard parts.count == 3, files.contains(String(parts[2].prefix(64))) else { continue }
      if folder.remove(path) || !folder.hasFile(path) { removed.append(path) }
    }
    return removed
  }
}
