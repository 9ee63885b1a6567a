import Foundation

/// What ingest learnt of a file with real decoders in the sandbox, recorded once in the catalog
/// (`version_file.facts`) so export and the jury room read it rather than probe or sniff the
/// bytes again. Recorded for every file whose check finished cleanly, even when there was
/// nothing to probe (`{}`): a file without a record was ingested by an older Salon, or its check
/// failed, and only then do later stages read the file itself.
package struct RecordedFacts: Codable, Equatable, Sendable {
  /// What ffprobe read: every audio and video file, and a GIF or APNG (its frames counted).
  /// Nil for a file ingest had no reason to probe (a still PNG, a JPEG, an animated WebP whose
  /// frames were counted from its chunks, a PDF).
  package var probe: MediaFacts?
  /// A text file's first lines, tidied, as the confined worker read them (`TextOpening`): what
  /// the work's card shows. Nil for every other file, for a text that is not UTF-8 or has no
  /// words, and for a text ingested before Salon read them.
  package var opening: OpeningLines?

  package init(probe: MediaFacts? = nil, opening: OpeningLines? = nil) {
    self.probe = probe?.bounded()
    // Tidied again whoever wrote it (the worker, or a hand-edited catalog): bounded, no controls.
    self.opening = opening.map {
      OpeningLines(
        text: OpeningLines.tidy(
          $0.text, maxCharacters: OpeningLines.characterLimit + 1, maxLines: OpeningLines.lineLimit
        ).text, continues: $0.continues)
    }.flatMap { $0.text.isEmpty ? nil : $0 }
  }

  /// At most this many streams are kept: the file chose how many it declares.
  package static let streamLimit = 16
  /// At most this many characters of a name ffprobe read from the file (a codec, a container).
  package static let nameLimit = 128
  /// A record longer than this is not read (a kept record is a few hundred bytes).
  static let jsonLimit = 16 * 1024

  /// The catalog's text: compact JSON, keys sorted so the same facts are the same text.
  /// Nil if it cannot be encoded (the probe keeps only finite numbers, so it can): then nothing
  /// is recorded and later stages read the file again.
  package var json: String? {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The record in the catalog's `json`, or nil when there is none or it cannot be read (then
  /// the file is read again, as for an archive from before facts were recorded).
  package init?(json: String?) {
    // Most files (every JPEG, still PNG and PDF) had nothing to probe: no decoder needed.
    if json == "{}" {
      self.init()
      return
    }
    guard let json, json.utf8.count <= Self.jsonLimit,
      let decoded = try? JSONDecoder().decode(RecordedFacts.self, from: Data(json.utf8)),
      // The demuxer becomes ffmpeg's `-f`: only one the call allows, whatever the catalog says.
      decoded.probe.map({ AllowedFormats.demuxers.contains($0.demuxer) }) ?? true
    else { return nil }
    self.init(probe: decoded.probe, opening: decoded.opening)
  }
}

extension MediaFacts {
  /// The facts with a bounded size, whatever the file declared: the first video picture and the
  /// first audio stream always kept (they are what every later stage uses), then other streams
  /// in order up to `RecordedFacts.streamLimit`; names cut to `RecordedFacts.nameLimit`.
  package func bounded() -> MediaFacts {
    var facts = self
    let chosen = Set(
      [
        streams.firstIndex { $0.kind == .video && !$0.isAttachedPicture }, streams.firstIndex { $0.kind == .audio },
      ].compactMap { $0 })
    var others = RecordedFacts.streamLimit - chosen.count
    // The chosen streams keep their place among the others, so `video` and `audio` choose them
    // again: no stream before them in the file is of their kind.
    facts.streams = streams.indices.filter { position in
      if chosen.contains(position) { return true }
      others -= 1
      return others >= 0
    }.map { position in
      var stream = streams[position]
      stream.codec = String(stream.codec.prefix(RecordedFacts.nameLimit))
      return stream
    }
    facts.container = String(container.prefix(RecordedFacts.nameLimit))
    facts.demuxer = String(demuxer.prefix(RecordedFacts.nameLimit))
    return facts
  }
}
