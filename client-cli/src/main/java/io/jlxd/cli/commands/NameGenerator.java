package io.jlxd.cli.commands;

import java.util.List;
import java.util.random.RandomGenerator;

/** Random "adjective-noun" instance names, like the names LXD makes up when none is given. */
final class NameGenerator {
    static final List<String> ADJECTIVES = List.of("amber", "bold", "brave", "calm", "clever", "crisp", "eager",
            "fair", "gentle", "glad", "grand", "happy", "honest", "keen", "kind", "lively", "lucky", "merry",
            "noble", "proud", "quick", "quiet", "rapid", "sharp", "shiny", "smart", "steady", "sunny", "swift",
            "tidy", "vivid", "witty");
    static final List<String> NOUNS = List.of("badger", "beaver", "bison", "crane", "eagle", "falcon", "ferret",
            "finch", "gecko", "heron", "ibex", "jaguar", "koala", "lemur", "lynx", "marten", "mole", "newt",
            "otter", "panda", "puffin", "quail", "raven", "robin", "salmon", "seal", "stork", "tapir", "trout",
            "viper", "walrus", "wombat");

    private NameGenerator() {
    }

    static String generate(RandomGenerator random) {
        return ADJECTIVES.get(random.nextInt(ADJECTIVES.size())) + "-" + NOUNS.get(random.nextInt(NOUNS.size()));
    }
}
