import Basics
import Foundation
import SQLite

extension FileProblem {
  /// Any error as one sentence, for the command line's last resort: Salon's own errors say what
  /// to do; a file-system or catalog error that reached this far is put in plain words, never
  /// dumped raw.
  package static func plainSentence(for error: Error) -> String {
    if let error = error as? DatabaseError { return CatalogError.database(error).description }
    let nsError = error as NSError
    if nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain {
      let path =
        (nsError.userInfo[NSFilePathErrorKey] as? String) ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path
      if let problem = sentence(for: error, path: path ?? "a file", writing: true) { return problem.description }
    }
    let text = String(describing: error)
    if !text.contains("Error Domain="), !text.isEmpty { return text }
    return "Salon stopped on an unexpected error; run the command again, and report it if it happens twice."
  }

}

extension SalonArchive {
  /// `path` as an `-o` of a command run on this archive, or the refusal in one sentence.
  package func checkOutputPath(_ path: String, kind: OutputPath.Kind) throws -> URL {
    try OutputPath.check(path, kind: kind, archive: root)
  }
}
