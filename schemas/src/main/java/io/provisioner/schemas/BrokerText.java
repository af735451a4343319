package io.provisioner.schemas;

/**
 * Text that comes from a service broker (a description, an error code) is bounded before it is stored,
 * logged or published: a broker that answers a 2 MB description must not make a status event too
 * large for Kafka, nor fill the database and the logs. Cloud Controller keeps such text short too.
 */
public final class BrokerText {

    /** The longest broker text kept, in characters. */
    public static final int MAX_LENGTH = 4096;

    static final String TRUNCATED = " … (truncated)";

    private BrokerText() {
    }

    /** The text itself when short enough, else its start with a mark that it was cut; null stays null. */
    public static String bounded(String text) {
        if (text == null || text.length() <= MAX_LENGTH) {
            return text;
        }
        int end = MAX_LENGTH - TRUNCATED.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a character in two
        }
        return text.substring(0, end) + TRUNCATED;
    }
}
