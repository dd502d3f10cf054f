import TensorCore
import Testing

@testable import Models

@Suite struct DataStoriesTests {
    @Test func storiesAreDeterministicAndExtendable() {
        let a = StoryGenerator(seed: 1).documents(60)
        #expect(a == StoryGenerator(seed: 1).documents(60))
        #expect(Array(a.prefix(20)) == StoryGenerator(seed: 1).documents(20))  // story i depends only on (seed, i)
        #expect(a != StoryGenerator(seed: 2).documents(60))
        #expect(Set(a).count > 55)
    }

    @Test func storiesHaveTheAnnouncedShape() {
        let stories = StoryGenerator(seed: 3).documents(300)
        let names = Set(StoryGenerator.characterNames)
        for story in stories {
            let paragraphs = story.components(separatedBy: "\n\n")
            #expect(paragraphs.count == 4)
            #expect(story.hasSuffix("The end."))
            #expect(story.contains("\""))  // dialogue
            let words = story.split { !$0.isLetter }.map(String.init)
            // The hero is named in the first sentence and named again in the last paragraph.
            let hero = words.prefix(16).first { names.contains($0) }
            #expect(hero != nil, "\(story.prefix(80))")
            if let hero { #expect(paragraphs[3].contains(hero)) }
        }
        let all = stories.joined(separator: " ")
        for marker in ["One day", "Then", "Finally", "because", " so ", "The end."] {
            #expect(all.contains(marker), "missing \(marker)")
        }
    }

    @Test func namesRecurLongAfterTheirIntroduction() {
        let stories = StoryGenerator(seed: 4).documents(500)
        let recurrence = NameRecurrence(documents: stories, names: StoryGenerator.characterNames)
        // Each story introduces 2–3 names and mentions them ~20 times: most mentions repeat an
        // earlier name, typically dozens of words after its introduction.
        #expect(recurrence.mentions > 500 * 10)
        #expect(recurrence.repeatFraction > 0.85, "repeat fraction \(recurrence.repeatFraction)")
        #expect(recurrence.meanDistanceToFirstMention > 40, "mean distance \(recurrence.meanDistanceToFirstMention)")
    }

    @Test func nameRecurrenceCountsByHand() {
        let r = NameRecurrence(documents: ["Lily met Tom. Lily smiled.", "Tom ran. Sam ran."], names: ["Lily", "Tom", "Sam"])
        #expect(r.mentions == 5 && r.repeats == 1 && r.meanDistanceToFirstMention == 3)
        #expect(abs(r.repeatFraction - 0.2) < 1e-12)
    }

    @Test func vocabularyIsSmallAndContextBeatsBigrams() {
        let stories = StoryGenerator(seed: 5).documents(400)
        let words = Set(stories.flatMap { $0.split { !$0.isLetter } })
        #expect(words.count < 400, "\(words.count) distinct words")
        let corpus = Corpus(name: "stories", documents: stories)
        let tokens = DataPreparation.encode(corpus, with: .byteLevel(endOfText: true))
        let h1 = TokenStatistics.unigramEntropy(tokens), h2 = TokenStatistics.bigramConditionalEntropy(tokens)
        #expect(h2 < h1 && h2 > 0.5, "unigram \(h1) bigram \(h2)")
    }
}
