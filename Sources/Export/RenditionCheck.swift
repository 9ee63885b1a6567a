import Foundation
import MediaTools

/// A node's web rendition made clean before it enters the cache: copied in the sandbox into a
/// fresh MP4 holding only its first picture and sound streams (`CleanRemux`, the step Salon's
/// own renditions take, so the bytes match a rendition made at home), then probed there: a video
/// or an animation must be H.264 with at most AAC sound beside it, a sound AAC alone.
enum RenditionCheck {
  /// The clean copy (in `scratch`, as `name`), or nil when the rendition is not what Salon makes.
  static func cleaned(_ path: String, isVideo: Bool, sandbox: Sandbox, scratch: PrivateFolder, name: String)
    throws -> String?
  {
    let job = try PrivateFolder(in: scratch.path, prefix: "remux-")
    try sandbox.run(CleanRemux(kind: isVideo ? .video : .audio), input: path, demuxer: "mov", folder: job.path)
    let probeFolder = try PrivateFolder(in: scratch.path, prefix: "probe-")
    let facts = try sandbox.probe(job.file(CleanRemux.output), workingFolder: probeFolder.path)
    guard isExpected(facts.streams.map { ($0.kind, $0.codec) }, isVideo: isVideo) else { return nil }
    let kept = scratch.file(name)
    guard rename(job.file(CleanRemux.output), kept) == 0 else { return nil }
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
