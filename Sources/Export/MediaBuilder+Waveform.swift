import Basics
import Foundation
import MediaTools

extension MediaBuilder {
  /// The card's waveform of an audio file, at each of `CardWaveform.widths`: drawn by ffmpeg in
  /// the sandbox, each checked to be a lossless WebP of the size asked for and nothing else, then published as it was
  /// made (resizing would blur it).
  func cardWaveform(_ source: String, _ facts: MediaFacts, _ base: String, _ folder: PrivateFolder, _ sandbox: Sandbox)
    throws -> [PublishedMedia.Picture]
  {
    let scratch = try PrivateFolder(in: folder.path, prefix: "card-wave-")
    try sandbox.run(CardWaveform(), input: source, demuxer: facts.demuxer, folder: scratch.path)
    var pictures: [PublishedMedia.Picture] = []
    for width in CardWaveform.widths {
      let made = scratch.file(CardWaveform.output(width))
      guard Self.isRegularFile(made), let size = CardWaveform.losslessWebPSize(made), size.width == width,
        size.height == CardWaveform.height(width)
      else { throw MediaToolError.crashed(tool: "ffmpeg") }
      let picture = PublishedMedia.Picture(width: width, height: size.height, file: "\(base)-card-wave-\(width).webp")
      try publish(made, as: picture.file)
      pictures.append(picture)
    }
    return pictures
  }
}
