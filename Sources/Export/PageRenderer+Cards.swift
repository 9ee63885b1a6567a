import Basics
import Catalog
import Foundation
import MediaTools

/// What a work's card shows above its title (`_audio_card.html`, `_text_card.html`): an audio
/// work's waveform, a text work's opening lines, a picture for every other work, and the title
/// set as type when there is nothing to show: never a placeholder word.
extension PageRenderer {
  /// `thumbnail`, `audioCard` and `textCard`, exactly one of them set.
  func face(_ work: Work, root: String) -> [String: TemplateValue] {
    var face: [String: TemplateValue] = ["thumbnail": .null, "audioCard": .null, "textCard": .null]
    let main = work.files.first { $0.role == .main }
    if let main, let m = media.media[main.sha256], m.kind == .audio, let card = audioCard(main, m, work, root: root) {
      face["audioCard"] = card
      return face
    }
    if let main, MediaBuilder.family(main.type) == .text {
      face["textCard"] = textCard(work, opening: main.facts?.opening)
      return face
    }
    let thumbnail = thumbnail(work, root: root, alt: alt(work))
    face["thumbnail"] = thumbnail
    if thumbnail == .null { face["textCard"] = textCard(work, opening: nil) }
    return face
  }

  /// The waveform drawn at each width a card may need, and the length of the sound.
  func audioCard(_ file: ReceivedFile, _ m: PublishedMedia, _ work: Work, root: String) -> TemplateValue? {
    guard let pictures = m.waveform, let smallest = pictures.first else { return nil }
    return .object([
      "src": .text(root + smallest.file),
      "srcset": .text(pictures.map { "\(root)\($0.file) \($0.width)w" }.joined(separator: ", ")),
      "sizes": .text("(min-width: 40rem) 20rem, 100vw"),
      "width": .text(String(smallest.width)), "height": .text(String(smallest.height)),
      "alt": .text("Waveform of \(work.title)"),
      "length": file.duration.flatMap(Self.clockTime).map(TemplateValue.text) ?? .null,
    ])
  }

  /// A text work's opening lines as ingest read them from its main text file (never from its
  /// description); without them (a text ingested before Salon read them, or one not in UTF-8),
  /// or for a work with nothing to show, the title set as type.
  func textCard(_ work: Work, opening: OpeningLines?) -> TemplateValue {
    .object([
      "title": .text(work.title),
      "lines": opening.map { .text($0.text) } ?? .null,
      "continues": .bool(opening?.continues ?? false),
    ])
  }

  /// "3:07", "1:02:05": a length as a player shows it.
  static func clockTime(_ seconds: Double) -> String? {
    guard seconds.isFinite, seconds >= 0, seconds < 360_000 else { return nil }
    let whole = Int(seconds.rounded())
    let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
    return hours > 0
      ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
  }
}
