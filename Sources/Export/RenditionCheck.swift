import Foundation
import MediaTools

/// A node's web rendition made clean before it enters the cache: copied in the sandbox into a
/// fresh MP4 holding only its first picture and sound streams (`CleanRemux`, the step Salon's
/// own renditions take, so the bytes match a rendition made at home), then probed there: a video
/// or an animation must be H.264 no larger than the plan's video size, with at most AAC sound
/// beside it; a sound AAC alone.
enum RenditionCheck {
  /// The clean copy (in `scratch`, as `name`), or nil when the rendition is not what Salon makes.
  /// A picture larger than `maxSide` on its longest side is refused too: a node must not publish
  /// the artist's original film as its rendition.
  static func cleaned(
    _ path: String, isVideo: Bool, maxSide: Int, sandbox: Sandbox, scratch: PrivateFolder, name: String
  ) throws -> String? {
    let job = try PrivateFolder(in: scratch.path, prefix: "remux-")
    try sandbox.run(CleanRemux(kind: isVideo ? .video : .audio), input: path, demuxer: "mov", folder: job.path)
    let made = job.file(CleanRemux.output)
    guard MediaBuilder.isRegularFile(made) else { return nil }
    let probeFolder = try PrivateFolder(in: scratch.path, prefix: "probe-")
    let facts = try sandbox.probe(made, workingFolder: probeFolder.path)
    guard isExpected(facts.streams.map { ($0.kind, $0.codec) }, isVideo: isVideo) else { return nil }
    let sides = facts.streams.filter { $0.kind == .video }.flatMap { [$0.width ?? Int.max, $0.height ?? Int.max] }
    guard sides.allSatisfy({ $0 >= 1 && $0 <= maxSide }) else { return nil }
    let kept = scratch.file(name)
    guard rename(made, kept) == 0 else {
      throw ExportError.output("Salon could not keep a checked rendition in its scratch folder.")
    }
    return kept
  }

  /// The streams of a rendition Salon makes, and nothing else.
  static func isExpected(_ streams: [(MediaFacts.Stream.Kind, String)], isVideo: Bool) -> Bool {
    let video = streams.filter { $0.0 == .video }
    let audio = streams.filter { $0.0 == .audio }
    guard video.count + audio.count == streams.count, audio.count <= 1, audio.allSatisfy({ $0.1 == "aac" }) else {
      return false
    }
    return isVideo ? video.count == 1 && video[0].1 == "h264" : video.isEmpty && audio.count == 1
  }
}
