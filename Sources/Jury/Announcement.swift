import Basics
import Catalog
import Foundation

package enum AnnouncementFormat: String, CaseIterable, Sendable { case md, html, txt }

extension Jury {
  /// The public announcement: the exhibition, each winner with title, artists and amount, the
  /// citation, and honourable mentions. Nothing private (scores, jurors, emails) appears.
  package func announcement(format: AnnouncementFormat) throws -> String {
    let state = try prizeState()
    guard state.awarded else {
      throw JuryError.prize("The prize has not been awarded yet; `salon prize award ID` records the winners.")
    }
    let currency = state.currency
    let heading = "\(exhibition.title) — prize announcement"
    let lead =
      state.winners.count == 1
      ? "The jury of \(exhibition.title) awards the prize to:"
      : "The jury of \(exhibition.title) shares the prize between \(state.winners.count) works:"
    func credit(_ title: String, _ artists: String?) -> String { artists.map { "\(title) by \($0)" } ?? title }
    switch format {
    case .txt, .md:
      let md = format == .md
      var lines = [md ? "# \(markdownEscape(heading))" : heading, ""]
      if !md { lines.insert(String(repeating: "=", count: heading.count), at: 1) }
      lines.append(lead)
      lines.append("")
      for w in state.winners {
        let title = md ? "**\(markdownEscape(w.title))**" : "\"\(w.title)\""
        lines.append(
          "- \(title)\(w.artists.map { " by \(md ? markdownEscape($0) : $0)" } ?? "") — \(money(w.amount)) \(currency)")
      }
      if let note = state.note, !note.isEmpty {
        lines += ["", md ? "> \(markdownEscape(note))" : "Citation: \(note)"]
      }
      if !state.mentions.isEmpty {
        lines += ["", md ? "## Honourable mentions" : "Honourable mentions:", ""]
        for m in state.mentions {
          let text =
            md
            ? credit("*\(markdownEscape(m.title))*", m.artists.map(markdownEscape))
            : credit("\"\(m.title)\"", m.artists)
          lines.append("- \(text)\(m.note.map { " — \(md ? markdownEscape($0) : $0)" } ?? "")")
        }
      }
      return lines.joined(separator: "\n") + "\n"
    case .html:
      let e = HTMLText.escape
      var body = "<h1>\(e(heading))</h1>\n<p>\(e(lead))</p>\n<ul>\n"
      for w in state.winners {
        body +=
          "<li><strong>\(e(w.title))</strong>\(w.artists.map { " by \(e($0))" } ?? "") — \(e(money(w.amount))) \(e(currency))</li>\n"
      }
      body += "</ul>\n"
      if let note = state.note, !note.isEmpty { body += "<blockquote><p>\(e(note))</p></blockquote>\n" }
      if !state.mentions.isEmpty {
        body += "<h2>Honourable mentions</h2>\n<ul>\n"
        for m in state.mentions {
          body +=
            "<li><em>\(e(m.title))</em>\(m.artists.map { " by \(e($0))" } ?? "")\(m.note.map { " — \(e($0))" } ?? "")</li>\n"
        }
        body += "</ul>\n"
      }
      return """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
        <title>\(e(heading))</title></head>
        <body><main>
        \(body)</main></body>
        </html>

        """
    }
  }

  func markdownEscape(_ text: String) -> String {
    var out = ""
    for c in text {
      // Only what changes meaning mid-line; our lines never start with artist text.
      if "\\`*_[]<>|".contains(c) { out.append("\\") }
      out.append(c == "\n" ? " " : c)
    }
    return out
  }

  // MARK: Private export of every score

  /// `csv` is the current scores and `history-csv` every change, each one table a spreadsheet
  /// opens cleanly; `json` holds both.
  package enum ScoreExportFormat: String, CaseIterable, Sendable {
    case csv, json
    case historyCSV = "history-csv"
  }

  /// Everything the organisers need offline: raw and normalised scores per juror and criterion,
  /// comments and the full history. Private: it names jurors.
  package func exportScores(format: ScoreExportFormat) throws -> String {
    // Judged in rounds, the working round's scores (a vote or a rank is its one criterion).
    let criteria = try workingRound()?.criteria ?? rubric()
    // Removed jurors too: the history keeps their scores.
    let jurors = Dictionary(
      uniqueKeysWithValues: try archive.jurorRecords(exhibition: exhibition.id).map { ($0.rowID, Juror($0)) })
    let works = Dictionary(uniqueKeysWithValues: try archive.works(exhibition: exhibition).map { ($0.rowID, $0) })
    let current = try currentScores()
    // Per criterion, each juror's scores standardised against that juror's own, mapped back.
    var byCriterion: [String: [Int: [Double]]] = [:]
    for s in current {
      for c in criteria {
        if let v = s.values[c.key] { byCriterion[c.key, default: [:]][s.pair.juror, default: []].append(Double(v)) }
      }
    }
    let normalisers = Dictionary(
      uniqueKeysWithValues: criteria.map { c in
        (
          c.key,
          StandingsCalculator.Normaliser(
            byJuror: byCriterion[c.key] ?? [:], scale: Double(c.scaleMin)...Double(c.scaleMax))
        )
      })
    func normalised(_ value: Int, juror: Int, criterion: Criterion) -> Double {
      let scale = Double(criterion.scaleMin)...Double(criterion.scaleMax)
      let normaliser = normalisers[criterion.key, default: StandingsCalculator.Normaliser(byJuror: [:], scale: scale)]
      return StandingsCalculator.round6(normaliser.normalised(Double(value), juror: juror))
    }
    struct ScoreRow: Codable {
      var submission, title, juror, jurorName, criterion: String
      var raw: Int
      var normalized: Double
      var comment: String?
    }
    struct HistoryRow: Codable {
      var time, submission, juror, criterion, source, actor: String
      var value: Int?
      var previous: Int?
    }
    var scoreRows: [ScoreRow] = []
    for s in current {
      guard let juror = jurors[s.pair.juror], let work = works[s.pair.work] else { continue }
      for c in criteria {
        guard let v = s.values[c.key] else { continue }
        scoreRows.append(
          ScoreRow(
            submission: work.id, title: work.title, juror: juror.id, jurorName: juror.name, criterion: c.key, raw: v,
            normalized: normalised(v, juror: s.pair.juror, criterion: c), comment: s.comment))
      }
    }
    let history = try archive.scoreHistory(exhibition: exhibition.id).compactMap { change -> HistoryRow? in
      guard let juror = jurors[change.pair.juror], let work = works[change.pair.work] else { return nil }
      return HistoryRow(
        time: change.time, submission: work.id, juror: juror.id, criterion: change.criterion, source: change.source,
        actor: change.actor, value: change.value, previous: change.previous)
    }
    switch format {
    case .json:
      struct Export: Codable {
        var exhibition: String
        var criteria: [Criterion]
        var scores: [ScoreRow]
        var history: [HistoryRow]
        var standings: Standings
      }
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      let export = Export(
        exhibition: exhibition.slug, criteria: criteria, scores: scoreRows, history: history,
        standings: try standings(by: .normalized))
      return String(decoding: try encoder.encode(export), as: UTF8.self) + "\n"
    case .csv:
      var lines = ["submission,title,juror,juror_name,criterion,raw,normalized,comment"]
      for r in scoreRows {
        lines.append(
          [
            r.submission, r.title, r.juror, r.jurorName, r.criterion, String(r.raw), String(r.normalized),
            r.comment ?? "",
          ]
          .map(CSVWriter.field).joined(separator: ","))
      }
      return lines.joined(separator: "\r\n") + "\r\n"
    case .historyCSV:
      var lines = ["time,submission,juror,criterion,value,previous,source,actor"]
      for h in history {
        lines.append(
          [
            h.time, h.submission, h.juror, h.criterion, h.value.map(String.init) ?? "",
            h.previous.map(String.init) ?? "",
            h.source, h.actor,
          ].map(CSVWriter.field).joined(separator: ","))
      }
      return CSVWriter.document(lines)
    }
  }
}
