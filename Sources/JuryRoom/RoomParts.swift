import Basics
import Catalog
import Export
import Foundation
import Jury

/// One part of a room made in parts: which, of how many, and how many works the juror has in all.
struct RoomPart {
  var number: Int
  var parts: Int
  var total: Int
}

/// What every room of one build shares, read once: how descriptions are shown, the round, and
/// the panel's figures as of the build.
struct RoomContext {
  let descriptions: RoomDescriptions
  let round: RoundScope?
  /// The jurors' figures in the round, when it is one with a distribution (not a ranking).
  let progress: JuryProgress?
  /// When the panel's figures were read, as the room says it.
  let asOf: String

  init(jury: Jury) throws {
    descriptions = try jury.archive.roomDescriptions(exhibition: jury.exhibition)
    round = try jury.workingRound()
    progress = round.map { $0.record.kind != .ranking } == true ? try jury.progress() : nil
    let now = Clock.now()
    // "2026-12-05T14:05:20.123Z" → "2026-12-05 14:05 UTC"
    asOf = now.count >= 16 ? "\(now.prefix(10)) \(now.dropFirst(11).prefix(5)) UTC" : now
  }

  /// The juror's works in parts of at most `perPart`, in order; one part when they fit. A ranking
  /// round is never split: the juror ranks all their works in one list.
  func parts(of works: [Work], perPart: Int) -> [[Work]] {
    guard works.count > perPart, perPart > 0, round?.record.kind != .ranking else { return [works] }
    return stride(from: 0, to: works.count, by: perPart).map { Array(works[$0..<min($0 + perPart, works.count)]) }
  }

  /// The panel's distribution for `juror`'s room, or nothing: only when at least five other
  /// jurors' scores make it up, or two once the round is closed, so no one can work out a
  /// colleague's scores.
  /// Nothing of it reaches the room otherwise, not even an empty table.
  func panel(for juror: Juror) -> TemplateValue {
    guard let round, let progress else { return .null }
    let scoring = progress.jurors.filter { ($0.distribution?.values.reduce(0, +) ?? 0) > 0 }
    let others = scoring.filter { $0.id != juror.id }.count
    let needed = round.record.isOpen ? JuryProgress.panelMinimumOthers : JuryProgress.panelMinimumOthersClosed
    guard others >= needed else { return .null }
    let panel = scoring.reduce(into: [String: Int]()) { sum, line in
      sum.merge(line.distribution ?? [:], uniquingKeysWith: +)
    }
    let total = panel.values.reduce(0, +)
    let buckets: [(bucket: String, label: String)]
    if round.record.kind == .yesNo {
      buckets = [("yes", "Yes"), ("no", "No")]
    } else {
      let low = round.criteria.map(\.scaleMin).min() ?? 0
      let high = round.criteria.map(\.scaleMax).max() ?? 0
      // A long scale shows the scores given; a usual one (1 to 10) every score, given or not.
      let all = high - low <= 20 ? Array(low...high) : panel.keys.compactMap { Int($0) }.sorted()
      buckets = all.reversed().map { (String($0), String($0)) }
    }
    let rows: [TemplateValue] = buckets.map { bucket, label in
      let count = panel[bucket] ?? 0
      return .object([
        "bucket": .text(bucket), "label": .text(label), "count": .text(String(count)),
        "share": .text(String(total == 0 ? 0 : Int((100 * Double(count) / Double(total)).rounded()))),
      ])
    }
    let yesNo = round.record.kind == .yesNo
    return .object([
      "unit": .text(yesNo ? "votes" : "scores"),
      "heading": .text(yesNo ? "Vote" : "Score (weighted mean of the criteria, rounded)"),
      "weights": .text(round.criteria.map { "\($0.key):\(money($0.weight))" }.joined(separator: " ")),
      "rows": .list(rows), "asOf": .text(asOf),
      "reason": .text(
        round.record.isOpen
          ? "the scores of \(others) other jurors\(others == scoring.count ? "" : " and yours") make them up"
          : "the round is closed"),
    ])
  }
}

extension JuryRoomBuilder {
  /// Removes the parts `part-N` (and `part-N.zip`) from `from` on that an earlier build made in
  /// `folder`: a room now in fewer parts, or in one, keeps no stale part to send by mistake.
  func removeParts(in folder: URL, from first: Int) throws {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    for name in names {
      let stem = name.hasSuffix(".zip") ? String(name.dropLast(4)) : name
      guard stem.hasPrefix("part-"), let n = Int(stem.dropFirst(5)), n >= first, String(n) == stem.dropFirst(5) else {
        continue
      }
      let path = folder.appendingPathComponent(name)
      var status = stat()
      guard lstat(path.path, &status) == 0 else { continue }
      if name.hasSuffix(".zip") {
        if status.st_mode & S_IFMT == S_IFREG { unlink(path.path) }
      } else if status.st_mode & S_IFMT == S_IFDIR, Self.manifest(in: path, name: Self.manifestName) != nil {
        try removeSingleRoom(in: path, zip: false)
        rmdir(path.path)
      }
    }
  }

  /// Removes the room an earlier build wrote straight into `folder` (its files, as its manifest
  /// lists them, and its zip beside it), before the room is made there in parts.
  func removeSingleRoom(in folder: URL, zip: Bool) throws {
    if zip {
      var status = stat()
      if lstat(folder.path + ".zip", &status) == 0, status.st_mode & S_IFMT == S_IFREG { unlink(folder.path + ".zip") }
    }
    guard let previous = Self.manifest(in: folder, name: Self.manifestName) else { return }
    let site = try SiteFolder(folder)
    if let link = site.links().first {
      throw ExportError.output(
        "\(link) in the room folder \(folder.path) is a link; Salon does not write through links, so remove it and build the room again."
      )
    }
    _ = SiteWriter(folder: site, previous: previous).removeStale()
    unlink(folder.appendingPathComponent(Self.manifestName).path)
    site.removeEmptyFolders()
  }
}
