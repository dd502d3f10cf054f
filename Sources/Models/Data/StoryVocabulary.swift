/// The word lists of the `stories` generator.
///
/// Kept small so that the corpus has a small vocabulary, and split so that the slot a story
/// fills once (the hero's name, the object's colour) is the only way to predict the later
/// mentions of it.
enum StoryVocabulary {
    static let girlNames = [
        "Lily", "Mia", "Emma", "Anna", "Sara", "Lucy", "Zoe", "Ella", "Amy", "Rose",
        "Kate", "Ruby", "Grace", "Molly", "Daisy", "Ivy", "Jenny", "Nora", "Sophie", "Clara",
    ]
    static let boyNames = [
        "Tom", "Ben", "Max", "Sam", "Leo", "Jack", "Tim", "Finn", "Noah", "Jake",
        "Oliver", "Luke", "Owen", "Adam", "Eli", "Theo", "Henry", "Ryan", "Dan", "Peter",
    ]
    static let petNames = ["Spot", "Fluffy", "Buddy", "Coco", "Pip", "Bella", "Rex", "Milo", "Sunny", "Whiskers"]
    static let petKinds = ["dog", "cat", "bird", "bunny", "frog"]
    static let objects = [
        "ball", "kite", "teddy bear", "toy car", "doll", "hat", "boat", "drum", "book", "box",
        "cup", "balloon", "robot", "train", "blanket", "shell", "truck", "puzzle",
    ]
    static let colors = ["red", "blue", "green", "yellow", "pink", "purple", "orange", "shiny", "little", "soft"]
    static let places = [
        "the park", "the forest", "the beach", "the garden", "the lake", "the farm", "the hill",
        "the zoo", "the river", "the playground", "the market", "the field",
    ]
    static let traits = ["kind", "happy", "curious", "brave", "shy", "funny", "little"]
    static let activities = [
        "play outside", "run and jump", "sing songs", "draw pictures", "read books",
        "climb trees", "dance", "look at the stars",
    ]
    static let pauses = ["look at a bird", "drink some water", "pick a flower", "tie a shoe", "eat an apple"]
    static let settings = [
        "The sun was warm and the sky was blue.", "There were many big trees and pretty flowers.",
        "It was a windy day.", "Birds were singing in the trees.", "The grass was soft and green.",
        "It was a cold day, but the sun was out.",
    ]
    static let hidingPlaces = ["under a bush", "behind a big rock", "near the water", "under a bench", "in the tall grass"]
    static let parents = ["mom", "dad"]
}
