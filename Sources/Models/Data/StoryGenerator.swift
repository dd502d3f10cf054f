import TensorCore

/// `stories`: the built-in synthetic corpus, short children's stories in the manner of
/// TinyStories, generated deterministically from a seed.
///
/// Each story has a hero (a name from 40, which fixes he/she and his/her), a friend (another
/// name), sometimes a pet with a name, an object with a colour, a place, one of four problems
/// (lost, stuck, broken, sharing) with its cause, dialogue, a resolution, and an ending with a
/// moral and "The end.". Sentences are joined by spaces and paragraphs by a blank line.
///
/// Long-range structure by design: the hero's name is introduced in the first sentence and
/// then recurs in nearly every paragraph, the pronouns follow from the name, and the object
/// and its colour return in the ending. A model that only sees the previous token (or a few)
/// cannot know which of 40 names or 10 colours comes next; one that mixes tokens across the
/// story can. Story i depends only on (seed, i) (generator stream i), so a larger corpus
/// extends a smaller one.
public struct StoryGenerator: Sendable {
    public var seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    /// Stories 0..<count.
    public func documents(_ count: Int) -> [String] {
        precondition(count >= 0, "StoryGenerator: document count must be non-negative, got \(count)")
        let root = SeededRNG(seed: seed)
        return Parallel.map(count) { i in
            var writer = StoryWriter(rng: root.stream(UInt64(i)))
            return writer.story()
        }
    }

    /// The corpus of stories 0..<count, named `stories`.
    public func corpus(documents count: Int) -> Corpus {
        Corpus(name: "stories", documents: documents(count))
    }

    /// Every character name a story can use (heroes, friends and pets).
    public static var characterNames: [String] {
        StoryVocabulary.girlNames + StoryVocabulary.boyNames + StoryVocabulary.petNames
    }
}

/// One person in a story, with the words that follow from the name.
struct StoryCharacter {
    var name: String
    var isGirl: Bool
    var he: String { isGirl ? "she" : "he" }
    var him: String { isGirl ? "her" : "him" }
    var his: String { isGirl ? "her" : "his" }
    var noun: String { isGirl ? "girl" : "boy" }
}

/// Writes one story from its own generator.
struct StoryWriter {
    var rng: SeededRNG

    private enum Problem: CaseIterable { case lost, stuck, broken, sharing }

    init(rng: SeededRNG) { self.rng = rng }

    mutating func pick<T>(_ options: [T]) -> T { options[rng.int(below: options.count)] }
    mutating func chance(_ p: Double) -> Bool { rng.uniform() < p }

    mutating func character(excluding taken: String? = nil) -> StoryCharacter {
        while true {
            let isGirl = chance(0.5)
            let name = pick(isGirl ? StoryVocabulary.girlNames : StoryVocabulary.boyNames)
            if name != taken { return StoryCharacter(name: name, isGirl: isGirl) }
        }
    }

    mutating func story() -> String {
        let h = character()
        let f = character(excluding: h.name)
        let pet: (name: String, kind: String)? = chance(0.4) ? (pick(StoryVocabulary.petNames), pick(StoryVocabulary.petKinds)) : nil
        let object = pick(StoryVocabulary.objects), color = pick(StoryVocabulary.colors)
        let place = pick(StoryVocabulary.places), parent = pick(StoryVocabulary.parents)
        let problem = pick(Problem.allCases)
        let H = h.name, F = f.name, He = cap(h.he), FHe = cap(f.he)

        // Introduction: the hero, the object, the friend, maybe a pet.
        var intro: [String] = []
        switch rng.int(below: 3) {
        case 0: intro.append("Once upon a time, there was a little \(h.noun) named \(H).")
        case 1: intro.append("Once upon a time, in a small town, there lived a \(pick(StoryVocabulary.traits)) \(h.noun) named \(H).")
        default: intro.append("There was once a \(pick(StoryVocabulary.traits)) \(h.noun) called \(H).")
        }
        let activity = pick(StoryVocabulary.activities)
        intro.append(chance(0.5) ? "\(H) loved to \(activity)." : "\(He) liked to \(activity) every day.")
        switch rng.int(below: 3) {
        case 0: intro.append("\(H) had a \(color) \(object).")
        case 1: intro.append("\(He) had a \(color) \(object) that \(h.he) loved very much.")
        default: intro.append("\(H)'s favorite toy was a \(color) \(object).")
        }
        if chance(0.5) { intro.append("\(He) took the \(object) everywhere.") }
        switch rng.int(below: 3) {
        case 0: intro.append("\(H) had a friend named \(F).")
        case 1: intro.append("\(H)'s best friend was a \(f.noun) named \(F).")
        default: intro.append("\(F) lived next door, and \(f.he) was \(H)'s best friend.")
        }
        if let pet { intro.append(chance(0.5) ? "\(H) also had a \(pet.kind) named \(pet.name)." : "\(He) had a little \(pet.kind) called \(pet.name), too.") }

        // The event: going somewhere, the problem and its cause, dialogue.
        var event: [String] = []
        switch rng.int(below: 3) {
        case 0: event.append("One day, \(H) and \(F) went to \(place).")
        case 1: event += ["One day, \(H) took the \(color) \(object) to \(place).", "There, \(h.he) met \(F)."]
        default: event += ["One sunny morning, \(H) wanted to go to \(place).", "\(He) asked \(F) to come, too."]
        }
        if chance(0.7) { event.append(pick(StoryVocabulary.settings)) }
        event.append(chance(0.5) ? "They played with the \(object) for a long time." : "\(H) and \(F) had a lot of fun.")
        switch problem {
        case .lost:
            event += [
                "Then \(H) put the \(object) down to \(pick(StoryVocabulary.pauses)).",
                "When \(h.he) looked back, the \(object) was gone!",
                "\(H) was sad because \(h.he) could not find \(h.his) \(object).",
            ]
            event.append(chance(0.5) ? "\"Where is my \(object)?\" \(H) asked." : "\(H) cried, \"My \(color) \(object) is lost!\"")
        case .stuck:
            event += [
                "\(F) threw the \(object) too high, and it got stuck in a tall tree.",
                "\(H) could not reach it, so \(h.he) started to cry.",
            ]
            event.append("\"I want my \(object) back!\" said \(H).")
        case .broken:
            event += [
                "\(F) wanted to play with the \(object), too.",
                "\(FHe) pulled it too hard, and the \(object) broke.",
                "\(H) was angry because \(h.his) \(object) was broken.",
            ]
            event.append("\"You broke my \(object), \(F)!\" \(H) said.")
        case .sharing:
            event += [
                "\(F) did not have a toy, so \(f.he) felt sad.",
                "\(F) looked at the \(color) \(object) and did not say anything.",
            ]
            event.append("\"Can I play with your \(object), \(H)?\" \(F) asked.")
        }

        // The resolution.
        var resolution: [String] = []
        switch problem {
        case .lost:
            resolution += [
                "\"Do not worry, \(H). I will help you,\" said \(F).",
                "\(H) and \(F) looked everywhere.",
            ]
            let spot = pick(StoryVocabulary.hidingPlaces)
            if let pet, chance(0.6) {
                resolution.append("Then \(pet.name) the \(pet.kind) found the \(object) \(spot)!")
            } else {
                resolution.append("Then \(F) found the \(object) \(spot)!")
            }
            resolution.append("\(H) was so happy because \(h.he) had \(h.his) \(object) back.")
        case .stuck:
            if chance(0.5) {
                resolution += ["\(F) had an idea.", "\(FHe) got a long stick and pushed the \(object) down."]
            } else {
                resolution += ["\(F) ran to get \(H)'s \(parent).", "\(H)'s \(parent) was tall, so \(parent == "mom" ? "she" : "he") got the \(object) down."]
            }
            resolution.append("\(H) stopped crying and smiled.")
        case .broken:
            resolution += [
                "\(F) said, \"I am sorry, \(H).\"",
                "Then \(F) and \(H) took the \(object) to \(H)'s \(parent).",
                "\(H)'s \(parent) fixed it with some glue.",
                "\(H) was not angry anymore.",
            ]
        case .sharing:
            resolution += [
                "\(H) thought for a moment.", "\"Yes, you can play with it,\" said \(H).",
                "\(F) was very happy, so \(f.he) gave \(H) a big hug.",
            ]
        }
        if problem != .sharing { resolution.append("\"Thank you, \(F)!\" said \(H).") }

        // The ending: going home, the object again, the moral.
        var ending: [String] = []
        switch rng.int(below: 3) {
        case 0: ending.append("Finally, \(H) and \(F) went home.")
        case 1: ending.append("When the sun went down, \(H) went home with the \(color) \(object).")
        default: ending.append("After that, \(H) and \(F) played with the \(object) every day.")
        }
        if chance(0.5) { ending.append("That night, \(H) put the \(color) \(object) next to \(h.his) bed.") }
        let moral: String
        switch problem {
        case .lost: moral = "it is good to have friends who help"
        case .stuck: moral = "friends can solve problems together"
        case .broken: moral = "it is good to say sorry"
        case .sharing: moral = "sharing makes everyone happy"
        }
        ending += ["\(H) learned that \(moral).", "The end."]

        return [intro, event, resolution, ending].map { $0.joined(separator: " ") }.joined(separator: "\n\n")
    }

    private func cap(_ word: String) -> String { word.prefix(1).uppercased() + word.dropFirst() }
}
