package io.provisioner.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/** The hand-written reading of the header answers exactly as Spring Security's resolver does. */
class BearerHeaderTest {

    private static final DefaultBearerTokenResolver SPRING = new DefaultBearerTokenResolver();

    @Test
    void readsEveryHeaderAsSpringSecuritysResolverDoes() {
        List<String> headers = new ArrayList<>(List.of("bearer abc", "Bearer abc.def-ghi_jkl~mno+p/q==",
                "BEARER x", "bEaReR x=", "Bearer", "Bearer ", "Bearer  abc", "Bearer abc ", "Bearerabc",
                "Bearer a=b", "Bearer ===", "Bearer abc\tdef", "Basic dXNlcjpwYXNz", "bear abc", "", "Bearer é",
                "Bearer abc==x", "bearer\tabc"));
        Random random = new Random(7);
        String alphabet = "aZ09-._~+/= \t:é,\"";
        for (int i = 0; i < 5_000; i++) {
            StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer " : "bearer");
            for (int n = random.nextInt(12); n > 0; n--) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            headers.add(header.toString());
        }
        for (String header : headers) {
            assertThat(outcome(() -> BearerHeader.token(header))).as(header).isEqualTo(outcome(() -> spring(header)));
        }
        assertThat(BearerHeader.token(null)).isNull();
    }

    private static String spring(String header) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.addHeader("Authorization", header);
        return SPRING.resolve(request);
    }

    private static String outcome(java.util.function.Supplier<String> read) {
        try {
            return "token:" + read.get();
        } catch (OAuth2AuthenticationException e) {
            return "refused:" + e.getError().getErrorCode() + ":" + e.getError().getDescription();
        }
    }
}
