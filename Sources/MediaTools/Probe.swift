import Foundation

/// What ffprobe read from an audio or video file: typed facts from its JSON, never its stderr.
/// Codable: ingest records them in the catalog (`RecordedFacts`), and later stages read them there.
package struct MediaFacts: Codable, Equatable, Sendable {
  package struct Stream: Codable, Equatable, Sendable {
    package enum Kind: String, Codable, Sendable { case video, audio, subtitle, data, attachment, other }
    /// The stream's index in the file, as packets name it.
    package var index: Int = -1
    package var kind: Kind
    package var codec: String
    package var width: Int?
    package var height: Int?
    /// Degrees, as the display matrix or the legacy `rotate` tag says (0, 90, 180, 270).
    package var rotation: Int
    /// Frames per second (the average), when the stream says.
    package var frameRate: Double?
    package var duration: Double?
    /// Cover art in an audio file, not a moving picture.
    package var isAttachedPicture: Bool
    /// Packets read, when the probe counted them (an animation's frames).
    package var packets: Int?
  }

  /// ffprobe's demuxer list, e.g. `mov,mp4,m4a,3gp,3g2,mj2`.
  package var container: String
  /// The demuxer name passed to ffmpeg's `-f`, so every later decode uses the probed format.
  package var demuxer: String
  package var duration: Double?
  package var streams: [Stream]

  package var video: Stream? { streams.first { $0.kind == .video && !$0.isAttachedPicture } }
  package var audio: Stream? { streams.first { $0.kind == .audio } }

  /// Width and height as shown, rotation applied.
  package var displaySize: (width: Int, height: Int)? {
    guard let v = video, let w = v.width, let h = v.height else { return nil }
    return v.rotation % 180 == 0 ? (w, h) : (h, w)
  }
}

/// The demuxers Salon lets ffprobe and ffmpeg use: the containers the call invites, nothing
/// else (no playlists, no network formats, no image sequences, no concat).
package enum AllowedFormats {
  package static let demuxers = [
    "mov", "matroska", "avi", "mpegts", "mpeg", "mp3", "aac", "ogg", "wav", "flac", "aiff", "gif", "apng",
  ]
  package static var list: String { demuxers.joined(separator: ",") }

  /// The demuxer for ffmpeg's `-f`, if the probed format is allowed.
  static func demuxer(for container: String) -> String? {
    let names = container.split(separator: ",").map(String.init)
    if names.contains("mov") || names.contains("mp4") { return "mov" }
    if names.contains("matroska") || names.contains("webm") { return "matroska" }
    return names.first { demuxers.contains($0) }
  }
}

extension Sandbox {
  /// Probes an audio or video file with `ffprobe -of json`.
  /// - Parameter countPackets: read the whole file to count packets (frames of a GIF).
  package func probe(_ path: String, workingFolder: String, countPackets: Bool = false) throws -> MediaFacts {
    let output = try Self.unreadableWhenFailed {
      try run(
        .ffprobe,
        [
          "-v", "error", "-hide_banner", "-protocol_whitelist", "file", "-format_whitelist", AllowedFormats.list,
          "-of", "json", "-show_format", "-show_streams",
        ] + (countPackets ? ["-count_packets"] : []) + ["file:" + Sandbox.inputPath], input: path,
        workingFolder: workingFolder)
    }
    return try MediaFacts(json: output)
  }

  /// How long the audio and video streams of `facts` really run, from their packets' timestamps
  /// (`ffprobe -show_entries packet`), never from the container's header, which says whatever
  /// its writer chose. Packets are read without decoding, at most `MeasuredDuration.packetLimit`
  /// of them: that bounds the cost and the output whatever the file's timestamps say (a bound
  /// in seconds would stop before a packet that jumps days ahead, and so never see it).
  package func measure(_ path: String, facts: MediaFacts, workingFolder: String) throws -> MeasuredDuration {
    let output = try Self.unreadableWhenFailed {
      try run(
        .ffprobe,
        [
          "-v", "error", "-hide_banner", "-protocol_whitelist", "file", "-format_whitelist", AllowedFormats.list,
          "-f", facts.demuxer, "-read_intervals", "%+#\(MeasuredDuration.packetLimit)", "-show_entries",
          "packet=stream_index,pts_time,dts_time,duration_time", "-of", "csv=p=0", "file:" + Sandbox.inputPath,
        ], input: path, workingFolder: workingFolder)
    }
    let moving = Set(
      facts.streams.filter { ($0.kind == .video && !$0.isAttachedPicture) || $0.kind == .audio }.map(\.index))
    return MeasuredDuration(packets: output, streams: moving, complete: output.count < Self.outputLimit)
  }

  /// The number of pages of a PDF, from poppler's `pdfinfo`.
  package func pdfPageCount(_ path: String, workingFolder: String) throws -> Int {
    let output = try Self.unreadableWhenFailed {
      try run(.pdfinfo, [Sandbox.inputPath], input: path, workingFolder: workingFolder)
    }
    return try Self.pageCount(pdfinfo: output)
  }

  /// A reader that exits with an error could not read the file: say so, not that it failed.
  static func unreadableWhenFailed(_ body: () throws -> Data) throws -> Data {
    do {
      return try body()
    } catch MediaToolError.failed {
      throw MediaToolError.unreadable
    }
  }

  /// The last `Pages:` line: the document's own strings (title, author…) come before it, so a
  /// title that holds a line break and a fake count cannot win.
  static func pageCount(pdfinfo output: Data) throws -> Int {
    let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
    guard let line = lines.last(where: { $0.hasPrefix("Pages:") }),
      let count = Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces)), count >= 0
    else { throw MediaToolError.unreadable }
    return count
  }
}

extension MediaFacts {
  /// Reads ffprobe's JSON; a file with no format or no audio/video stream is unreadable, and a
  /// container outside the allow-list is refused.
  init(json: Data) throws {
    guard let root = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
      let format = root["format"] as? [String: Any], let container = format["format_name"] as? String
    else { throw MediaToolError.unreadable }
    guard let demuxer = AllowedFormats.demuxer(for: container) else {
      throw MediaToolError.formatNotAllowed(container)
    }
    self.container = container
    self.demuxer = demuxer
    duration = Self.number(format["duration"])
    streams = ((root["streams"] as? [[String: Any]]) ?? []).map(Self.stream)
    guard video != nil || audio != nil else { throw MediaToolError.unreadable }
  }

  static func stream(_ s: [String: Any]) -> Stream {
    let kind = Stream.Kind(rawValue: s["codec_type"] as? String ?? "") ?? .other
    var rotation = 0
    if let sideData = s["side_data_list"] as? [[String: Any]],
      let value = sideData.compactMap({ number($0["rotation"]) }).first
    {
      rotation = Int(value.rounded())
    } else if let tags = s["tags"] as? [String: Any], let value = number(tags["rotate"]) {
      rotation = Int(value.rounded())
    }
    rotation = ((rotation % 360) + 360) % 360
    let disposition = s["disposition"] as? [String: Any]
    return Stream(
      index: number(s["index"]).map { Int($0) } ?? -1, kind: kind, codec: s["codec_name"] as? String ?? "unknown",
      width: dimension(s["width"]),
      height: dimension(s["height"]), rotation: rotation, frameRate: rate(s["avg_frame_rate"] as? String),
      duration: number(s["duration"]), isAttachedPicture: (disposition?["attached_pic"] as? Int ?? 0) != 0,
      packets: number(s["nb_read_packets"]).map { Int(max(0, $0)) })
  }

  /// A finite, non-negative number from a JSON string or number.
  static func number(_ value: Any?) -> Double? {
    let parsed: Double?
    if let text = value as? String {
      parsed = Double(text)
    } else if let n = value as? NSNumber {
      parsed = n.doubleValue
    } else {
      parsed = nil
    }
    guard let parsed, parsed.isFinite, parsed >= -1e9, parsed <= 1e9 else { return nil }
    return parsed
  }

  static func dimension(_ value: Any?) -> Int? {
    guard let n = number(value), n >= 1, n <= 1_000_000 else { return nil }
    return Int(n)
  }

  /// `30000/1001` as frames per second.
  static func rate(_ text: String?) -> Double? {
    guard let parts = text?.split(separator: "/"), parts.count == 2, let n = Double(parts[0]), let d = Double(parts[1]),
      d > 0, n > 0
    else { return nil }
    let value = n / d
    return value.isFinite && value <= 1_000_000 ? value : nil
  }
}

/// How long a file's audio and video run, measured from their packets: each stream from its
/// first packet's time to the end of its last, the file from the earliest start (never before
/// 0: negative times are an encoder's priming, not shown) to the latest end.
package struct MeasuredDuration: Equatable, Sendable {
  /// Seconds, or nil when no packet carried a time.
  package var seconds: Double?
  /// Each measured stream's own length, by stream index.
  package var streams: [Int: Double]
  /// The read stopped at `packetLimit` packets, or its output was cut short: the file runs at
  /// least `seconds`, maybe more.
  package var isLowerBound: Bool

  /// Packets read at most. A file within the call's limits has far fewer (ten minutes of AAC
  /// is 28,000; a minute of 240 fps video with sound, 17,000), and 80,000 lines of ffprobe's
  /// CSV stay under the sandbox's 4 MiB of output.
  package static let packetLimit = 80_000

  /// Reads ffprobe's CSV lines `stream_index,pts_time,dts_time,duration_time` of the streams
  /// in `streams`; anything else (other streams, a half line, "N/A") is skipped.
  package init(packets: Data, streams wanted: Set<Int>, complete: Bool) {
    var first: [Int: Double] = [:]
    var last: [Int: Double] = [:]
    var read = 0
    // Read in place, byte by byte: a long recording has tens of thousands of lines, and
    // splitting each into trimmed strings cost more than ffprobe took to write them.
    packets.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      let bytes = raw.bindMemory(to: UInt8.self)
      var fields: [String] = []
      fields.reserveCapacity(4)
      var start = 0
      while start < bytes.count {
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        let lineStart = start
        start = end + 1
        guard end > lineStart else { continue }
        read += 1
        // The first four comma-separated fields, spaces and tabs trimmed.
        fields.removeAll(keepingCapacity: true)
        var fieldStart = lineStart
        var position = lineStart
        while fields.count < 4 {
          if position == end || bytes[position] == UInt8(ascii: ",") {
            var a = fieldStart
            var b = position
            while a < b && (bytes[a] == 0x20 || bytes[a] == 0x09) { a += 1 }
            while b > a && (bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09) { b -= 1 }
            fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self))
            if position == end { break }
            fieldStart = position + 1
          }
          position += 1
        }
        guard fields.count == 4, let index = Int(fields[0]), wanted.contains(index),
          let time = Self.seconds(fields[1]) ?? Self.seconds(fields[2])
        else { continue }
        let finish = time + max(0, Self.seconds(fields[3]) ?? 0)
        first[index] = min(first[index] ?? time, time)
        last[index] = max(last[index] ?? finish, finish)
      }
    }
    var lengths: [Int: Double] = [:]
    for (index, end) in last { lengths[index] = max(0, end - max(0, first[index] ?? 0)) }
    streams = lengths
    if let start = first.values.min(), let end = last.values.max() {
      seconds = max(0, end - max(0, start))
    } else {
      seconds = nil
    }
    isLowerBound = !complete || read >= Self.packetLimit
  }

  /// A finite time within ±10^9 s, as ffprobe prints it.
  static func seconds(_ text: String) -> Double? {
    guard let value = Double(text), value.isFinite, abs(value) <= 1e9 else { return nil }
    return value
  }
}
