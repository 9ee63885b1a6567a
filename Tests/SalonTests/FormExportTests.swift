import Catalog
import Foundation
import Testing

@testable import Basics
@testable import Ingest

@Suite struct CSVReaderTests {
  @Test func readsQuotedFieldsWithCommasQuotesAndNewlines() throws {
    let text = "id,title\r\n1,\"Rain, again\"\r\n2,\"She said \"\"hi\"\"\"\r\n3,\"two\nlines\"\r\n"
    let records = try CSVReader.records(from: text)
    #expect(
      records.map(\.fields) == [
        ["id", "title"], ["1", "Rain, again"], ["2", "She said \"hi\""], ["3", "two\nlines"],
      ])
    #expect(records.map(\.line) == [1, 2, 3, 4])
  }

  @Test func dropsTheByteOrderMarkAndAcceptsBareLineFeeds() throws {
    let data = Data([0xEF, 0xBB, 0xBF]) + Data("Title,Email\nA,a@x.org\n\n".utf8)
    let records = try CSVReader.records(from: data)
    #expect(records.map(\.fields) == [["Title", "Email"], ["A", "a@x.org"]])
  }

  @Test func keepsEmptyFieldsAndAFinalRecordWithoutNewline() throws {
    let records = try CSVReader.records(from: "a,b,c\n1,,3\n,,")
    #expect(records.map(\.fields) == [["a", "b", "c"], ["1", "", "3"], ["", "", ""]])
  }

  @Test func reportsTheLineOfAnUnclosedQuote() {
    #expect(throws: CSVReader.Malformed(line: 3, reason: "a quoted field is never closed")) {
      try CSVReader.records(from: "id,title\n1,ok\n2,\"never closed\n3,more\n")
    }
  }

  @Test func reportsTheLineOfAStrayQuote() {
    #expect(throws: CSVReader.Malformed(line: 2, reason: "a quote mark appears inside a field that is not quoted")) {
      try CSVReader.records(from: "id,title\n1,bad \"quote\"\n")
    }
  }

  @Test func reportsTextAfterAClosingQuote() {
    #expect(throws: CSVReader.Malformed(line: 2, reason: "text follows the closing quote of a field")) {
      try CSVReader.records(from: "id,title\n1,\"ok\"x\n")
    }
  }
}

@Suite struct FormExportTests {
  @Test func matchesHeadersAsPortalsWordThem() throws {
    let csv = """
      Paper ID,Paper Title,Author Names,Author Emails,Primary Subject Area,Abstract,"Has this work previously appeared elsewhere (including online)?","If so, where has it appeared?",Is this work currently under review elsewhere?,I grant non-exclusive rights to publish and reproduce the work,I confirm I am the author,How was AI used?,Please describe your use of AI (statement)
      12,Dreams,Ann Lee,ann@x.org,Visual art,A piece.,No,,No,Yes,I confirm,Assisted,Used a diffusion model for textures.
      """
    let form = try FormExport.parse(Data(csv.utf8))
    #expect(form.mapping[.id] == "Paper ID")
    #expect(form.mapping[.title] == "Paper Title")
    #expect(form.mapping[.artists] == "Author Names")
    #expect(form.mapping[.email] == "Author Emails")
    #expect(form.mapping[.medium] == "Primary Subject Area")
    #expect(form.mapping[.statement] == "Abstract")
    #expect(form.mapping[.previouslyPublished] == "Has this work previously appeared elsewhere (including online)?")
    #expect(form.mapping[.priorVenue] == "If so, where has it appeared?")
    #expect(form.mapping[.underReview] == "Is this work currently under review elsewhere?")
    #expect(form.mapping[.rightsGranted] == "I grant non-exclusive rights to publish and reproduce the work")
    #expect(form.mapping[.authorshipAffirmed] == "I confirm I am the author")
    #expect(form.mapping[.aiUse] == "How was AI used?")
    #expect(form.mapping[.aiStatement] == "Please describe your use of AI (statement)")
    let d = FormExport.declarations(from: form.rows[0])
    #expect(d.previouslyPublished == .no)
    #expect(d.underReview == .no)
    #expect(d.rightsGranted == .yes)
    #expect(d.authorshipAffirmed == .yes)
    #expect(d.aiUse == .assisted)
    #expect(d.aiStatement == "Used a diffusion model for textures.")
  }

  @Test func aMissingAnswerIsUnknownNeverNo() throws {
    let form = try FormExport.parse(Data("id,title,rights,previously published,ai use\n3,Quiet,,,\n".utf8))
    let d = FormExport.declarations(from: form.rows[0])
    #expect(d.rightsGranted == .unknown)
    #expect(d.previouslyPublished == .unknown)
    #expect(d.aiUse == .unknown)
  }

  @Test(arguments: [
    ("Yes", Answer.yes), ("yes, at ISEA 2024", .yes), ("I agree", .yes), ("TRUE", .yes), ("x", .yes),
    ("No", .no), ("false", .no), ("I do not agree", .no), ("", .unknown), ("maybe", .unknown),
  ])
  func readsYesNoAnswers(text: String, expected: Answer) {
    #expect(FormExport.answer(text.isEmpty ? nil : text) == expected)
  }

  @Test(arguments: [
    ("None", AIUse.none), ("No AI was used", .none), ("AI-assisted", .assisted), ("Fully generated", .generated),
    ("", .unknown),
  ])
  func readsAIUse(text: String, expected: AIUse) {
    #expect(FormExport.aiUse(text.isEmpty ? nil : text) == expected)
  }

  @Test func anExplicitColumnWinsOverMatching() throws {
    let form = try FormExport.parse(
      Data("id,Title,Name of the piece\n1,wrong,right\n".utf8), explicitColumns: ["title": "Name of the piece"])
    #expect(form.mapping[.title] == "Name of the piece")
    #expect(FormExport.declarations(from: form.rows[0]).title == "right")
  }

  @Test func anExplicitColumnThatDoesNotExistIsRefusedWithTheColumnsThereAre() {
    #expect(throws: FormExport.Problem.unknownHeader(field: "title", header: "Nope", available: ["id", "Title"])) {
      try FormExport.parse(Data("id,Title\n1,a\n".utf8), explicitColumns: ["title": "Nope"])
    }
  }

  @Test func aRowWithMoreFieldsThanTheHeaderIsRefusedWithItsLine() {
    #expect(throws: FormExport.Problem.tooManyFields(line: 3, found: 3, expected: 2)) {
      try FormExport.parse(Data("id,title\n1,a\n2,b,c\n".utf8))
    }
  }

  @Test func matchesZipsBySubmissionIdOrFileName() throws {
    let form = try FormExport.parse(Data("Submission ID,File,Title\n24,,A\n7,gogo.zip,B\n31,,C\n".utf8))
    #expect(form.row(forZipNamed: "24.zip")?.values[.title] == "A")
    #expect(form.row(forZipNamed: "submission_024.zip")?.values[.title] == "A")
    #expect(form.row(forZipNamed: "GoGo.zip")?.values[.title] == "B")
    #expect(form.row(forZipNamed: "unrelated.zip") == nil)
    #expect(form.row(forZipNamed: "24_and_31.zip") == nil, "two candidate rows: no guess")
  }
}
