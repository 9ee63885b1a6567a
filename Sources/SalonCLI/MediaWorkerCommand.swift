import Foundation
import Imaging
import MediaTools

/// `salon media-worker JOB --option value… --output FOLDER`: Salon's image decoder, started only
/// by Salon itself through MediaTools' sandbox (never listed in the help). It reads the one image
/// at `Sandbox.inputPath` (the descriptor its parent opened), writes only the job's fixed names
/// into FOLDER, and prints one `ImageJobReply` as JSON. It opens no archive or catalog and reads
/// no other file: a hostile image that takes libvips over can only spin, die or lie in its reply,
/// and the parent bounds the first two and checks the third.
enum MediaWorkerCommand {
  /// Exit status: 0 with a reply (a result or the `ImageError` met), `ImageWorker.usageStatus`
  /// for arguments it does not understand.
  static func run(_ arguments: [String]) -> Int32 {
    guard let (job, options, output) = try? ImageWorker.parse(arguments) else {
      writeToStandardError("salon media-worker is started by Salon itself; it takes no arguments by hand.\n")
      return ImageWorker.usageStatus
    }
    let input = Sandbox.inputPath
    do {
      switch job {
      case ImageCheck.name:
        let check = try ImageCheck(options: options)
        return reply {
          let (width, height) = try Imaging.checkDecodes(input, maxPixels: check.maxPixels)
          return ImageSize(width: width, height: height)
        }
      case ImageDerivatives.name:
        let job = try ImageDerivatives(options: options)
        // The parent runs one worker per core; libvips' own threads would only contend.
        Imaging.setThreadsPerImage(1)
        return reply {
          try Imaging.derivatives(of: input, widths: job.widths, maxPixels: job.maxPixels) { width in
            (
              output + "/" + ImageDerivatives.webp(width),
              job.jpegWidths.contains(width) ? output + "/" + ImageDerivatives.jpeg(width) : nil
            )
          }.map { ImageDerivative(requestedWidth: $0.requestedWidth, width: $0.width, height: $0.height) }
        }
      case AnimatedWebP.name:
        let job = try AnimatedWebP(options: options)
        Imaging.setThreadsPerImage(1)
        return reply {
          let (width, height) = try Imaging.animatedWebP(
            of: input, maxSide: job.maxSide, maxPixels: job.maxPixels, to: output + "/" + AnimatedWebP.output)
          return ImageSize(width: width, height: height)
        }
      case DerivativeCheck.name:
        let job = try DerivativeCheck(options: options)
        // libwebp and libjpeg only: libvips is not even started (its start loads its modules).
        return reply { try Imaging.checkedDerivatives(input, maxPixels: job.maxPixels, folder: output) }
      case JPEGPreview.name:
        let job = try JPEGPreview(options: options)
        Imaging.setThreadsPerImage(1)
        return reply {
          let bytes = try Imaging.jpegPreview(of: input, width: job.width, maxPixels: job.maxPixels)
          let path = output + "/" + JPEGPreview.output
          guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw ImageError.cannotSave(path: path, detail: "")
          }
          return bytes.count
        }
      case TextOpening.name:
        // No image at all: a text work's first lines, read here so Salon's own process never
        // reads an artist's file.
        let job = try TextOpening(options: options)
        return reply { try job.read(input) }
      default:
        throw ImageWorker.BadArguments()
      }
    } catch {
      writeToStandardError("salon media-worker: unknown job or options.\n")
      return ImageWorker.usageStatus
    }
  }

  /// Prints the job's result, or the `ImageError` it threw, as the one JSON line of the reply.
  private static func reply<Result: Codable & Sendable>(_ job: () throws -> Result) -> Int32 {
    var reply = ImageJobReply<Result>()
    do {
      reply.result = try job()
    } catch let error as ImageError {
      reply.error = error
    } catch {
      reply.error = .unreadable(detail: String(describing: error))
    }
    guard let data = try? JSONEncoder().encode(reply) else { return 1 }
    FileHandle.standardOutput.write(data + Data("\n".utf8))
    return 0
  }
}
