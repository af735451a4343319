package io.provisioner.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The loop accepts exactly the header values Spring Security's firewall pattern accepts. */
class HeaderValuesTest {

    /** StrictHttpFirewall's own rule for header names and values. */
    private static final Pattern FIREWALL = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    @Test
    void agreesWithTheFirewallsPatternOnEveryKindOfCharacter() {
        Random random = new Random(11);
        int[] interesting = {0, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xe9, 0x378, 0x2028,
                0xd7ff, 0xe000, 0xfdd0, 0xfffd, 0xffff, 0x1f600, 0x10ffff, 0xe0001, 0x30000};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder("bearer ");
            for (int n = random.nextInt(6); n > 0; n--) {
                int c = random.nextInt(4) == 0 ? interesting[random.nextInt(interesting.length)]
                        : random.nextBoolean() ? 0x20 + random.nextInt(0x5f) : random.nextInt(0x110000);
                if (c < 0xd800 || c > 0xdfff) {
                    value.appendCodePoint(c);
                }
            }
            if (random.nextInt(50) == 0) {
                value.append((char) 0xd800); // a lone surrogate
            }
            String text = value.toString();
            assertThat(HeaderValues.allowed(text)).as(text.codePoints().mapToObj(Integer::toHexString).toList().toString())
                    .isEqualTo(FIREWALL.matcher(text).matches());
        }
    }
}
