import Foundation
import SQLite
import SampleContent
import Testing

@testable import Basics
@testable import Catalog
@testable import Ingest

@Suite struct ArchiveTests {
  /// The event log's timestamps, written by hand now, read as ISO 8601 with fractional seconds.
  /// Plain-number ids take a shortcut; the order is the locale-aware comparison's.
  @Test func naturalOrderOfPlainNumbersIsTheLocaleAwareOrder() {
    let ids = ["1", "2", "10", "9", "100", "0", "007", "7", "123456789012345678", "12a", "a1", "-3", "1.5", "٣"]
    for a in ids {
      for b in ids {
        #expect(NaturalOrder.ascending(a, b) == (a.localizedStandardCompare(b) == .orderedAscending), "\(a) \(b)")
      }
    }
    #expect(NaturalOrder.plainNumber("42") == 42 && NaturalOrder.plainNumber("042") == nil)
  }

  @Test func timestampsAreISO8601InUTCWithMilliseconds() throws {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let before = Date()
    let stamp = Clock.now()
    let read = try #require(formatter.date(from: stamp), "\(stamp)")
    #expect(abs(read.timeIntervalSince(before)) < 60)
    #expect(stamp.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil)
    let sample = Date(timeIntervalSince1970: 1_795_000_000.042)
    #expect(Clock.format(seconds: 1_795_000_000, milliseconds: 42) == formatter.string(from: sample))
  }

  @Test func ingestingTheSameZipAgainChangesNothingAndSaysSo() throws {
    let t = TestArchive()
    let path = t.scratch.zip("5.zip", Parts.valid())
    let first = try t.ingest(path)
    let events = try t.archive.database.query("SELECT * FROM event").count
    let second = try t.ingest(path)
    #expect(first.change == "new")
    #expect(second.change == "unchanged")
    #expect(second.version == 1)
    #expect(try t.archive.database.query("SELECT * FROM event").count == events)
    #expect(try t.archive.database.query("SELECT * FROM version").count == 1)
  }

  @Test func aDifferentZipForTheSameSubmissionIsANewVersionAndTheOldStays() throws {
    let t = TestArchive()
    let oldPath = t.scratch.zip("old/5.zip", [("a_description.pdf", Parts.description)])
    let newPath = t.scratch.zip("new/5.zip", Parts.valid())
    #expect(try t.ingest(oldPath).status == .rejected)
    // Without a form row naming it, only the organiser's `--id` makes a zip a new version.
    let second = try Ingester(archive: t.archive, exhibition: t.exhibition, form: nil).ingest(
      zipAt: newPath, asVersionOf: "5")
    #expect(second.change == "new-version")
    #expect(second.version == 2)
    let report = try t.archive.submissionReport(exhibition: t.exhibition, id: "5")
    #expect(report.status == .accepted)
    #expect(report.versions?.map(\.status) == [.rejected, .accepted])
    #expect(report.versions?.map(\.sha256) == [SHA.of(oldPath), SHA.of(newPath)])
    #expect(FileManager.default.fileExists(atPath: t.archive.storedFileURL(sha256: SHA.of(oldPath)).path))
  }

  @Test func theEventLogAndReceivedVersionsCannotBeChangedEvenWithSQL() throws {
    let t = TestArchive()
    _ = try t.ingest(t.scratch.zip("5.zip", Parts.valid()))
    for sql in [
      "UPDATE event SET actor = 'x'", "DELETE FROM event", "UPDATE version SET status = 'rejected'",
      "DELETE FROM version",
    ] {
      #expect(throws: DatabaseError.self) { try t.archive.database.execute(sql) }
    }
  }

  @Test func storedFilesAreReadOnlyAndNamedByTheirHash() throws {
    let t = TestArchive()
    let zip = t.scratch.zip("5.zip", Parts.valid())
    _ = try t.ingest(zip)
    // The zip as received is what is stored; its files are addressed inside it.
    let url = t.archive.storedFileURL(sha256: SHA.of(zip))
    #expect(SHA.of(url.path) == SHA.of(zip))
    let mode = (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue
    #expect(mode == 0o400, "read-only, and the owner's alone")
  }

  @Test func aZipWithoutAFormRowIsIngestedAndFlagged() throws {
    let t = TestArchive()
    let form = try FormExport.parse(Data("id,title\n99,Other\n".utf8))
    let report = try t.ingest(t.scratch.zip("5.zip", Parts.valid()), form: form)
    #expect(report.status == .accepted)
    #expect(report.warningCodes.contains("no-declarations"))
    #expect(try t.archive.submissionReport(exhibition: t.exhibition, id: "5").hasDeclarations == false)
  }

  @Test func declarationsAreKeptWithTheVersionAndTheIdComesFromTheForm() throws {
    let t = TestArchive()
    let form = try FormExport.parse(
      Data("Submission ID,Title,Email,Rights,Authorship,AI use\n42,Night Swim,n@x.org,Yes,Yes,None\n".utf8))
    let report = try t.ingest(t.scratch.zip("submission-42.zip", Parts.valid()), form: form)
    #expect(report.id == "42")
    let stored = try t.archive.submissionReport(exhibition: t.exhibition, id: "42")
    #expect(stored.declarations?.title == "Night Swim")
    #expect(stored.declarations?.email == "n@x.org")
    #expect(stored.declarations?.aiUse == AIUse.none)
    #expect(stored.declarations?.underReview == .unknown)
  }

  @Test func aNewEditionIsAnotherExhibitionAndTheNewestIsTheDefault() throws {
    let t = TestArchive()
    var next = NewExhibition(title: "Test Salon", year: 2027)
    next.limits.maxVideoSeconds = 90
    let created = try t.archive.createExhibition(next)
    #expect(created.slug == "test-salon-2027")
    #expect(try t.archive.exhibition(slug: nil).slug == "test-salon-2027")
    #expect(try t.archive.exhibition(slug: "test-salon-2026").limits.maxVideoSeconds == 60)
    #expect(throws: CatalogError.exhibitionExists(slug: "test-salon-2027")) { try t.archive.createExhibition(next) }
  }

  @Test func acceptedSubmissionsCanBeSelectedButRejectedOnesCannot() throws {
    let t = TestArchive()
    _ = try t.ingest(t.scratch.zip("good.zip", Parts.valid()))
    _ = try t.ingest(t.scratch.zip("bad.zip", [("a_description.pdf", Parts.description)]))
    try t.archive.decide(exhibition: t.exhibition, id: "good", selected: true, note: "Strong")
    #expect(try t.archive.submissionReport(exhibition: t.exhibition, id: "good").decision == "selected")
    #expect(throws: CatalogError.self) {
      try t.archive.decide(exhibition: t.exhibition, id: "bad", selected: true, note: nil)
    }
    try t.archive.decide(exhibition: t.exhibition, id: "good", selected: false, note: nil)
    #expect(try t.archive.submissionReport(exhibition: t.exhibition, id: "good").decision == "declined")
    #expect(try t.archive.database.query("SELECT * FROM decision").count == 2, "the earlier decision stays")
  }

  @Test func junkIsIgnoredAndReported() throws {
    let t = TestArchive()
    let report = try t.ingest(
      t.scratch.zip(
        "j.zip",
        Parts.valid() + [("__MACOSX/._work_main.png", [0, 5, 22]), (".DS_Store", [0, 0, 0, 1]), ("Thumbs.db", [1])]))
    #expect(report.status == .accepted)
    #expect(report.files.count == 2)
    #expect(report.warningCodes == ["junk-ignored", "no-declarations"])
  }

  @Test func aFileWithNoRoleIsKeptAsOtherWithAWarning() throws {
    let t = TestArchive()
    let report = try t.ingest(t.scratch.zip("o.zip", Parts.valid() + [("notes.txt", Array("hello".utf8))]))
    #expect(report.status == .accepted)
    #expect(report.files.last?.role == .other)
    #expect(report.warningCodes.contains("unknown-role"))
  }
}

@Suite struct LinkWorkTests {
  @Test func aWorkThatIsAClearedLinkIsAcceptedWithAWarning() throws {
    let t = TestArchive()
    let form = try FormExport.parse(
      Data("id,title,link\n8,Tide Engine,https://example.org/tide\n9,Bad,javascript:alert(1)\n".utf8))
    let good = try t.ingest(t.scratch.zip("8.zip", [("8_description.pdf", Parts.description)]), form: form)
    #expect(good.status == .accepted)
    #expect(good.warningCodes.contains("link-work"))
    let bad = try t.ingest(t.scratch.zip("9.zip", [("9_description.pdf", Parts.description)]), form: form)
    #expect(bad.problemCodes == ["no-main-work"], "only an http(s) link can stand for the work")
  }
}
