package io.provisioner.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Issue 9's slow-body attack on the real Tomcat: 300 unauthenticated connections declare a 1 MB body and
 * send one byte every 10 s (to the token endpoint, whose body is read before any check). Readiness must
 * keep answering within a second throughout.
 */
class SlowClientTest extends GatewayTestBase {

    private static final int CONNECTIONS = 300;
    private static final Duration HOLD = Duration.ofSeconds(30);

    /** One attacking connection; reopened whenever the gateway closes it, so the pressure never drops. */
    private final class Trickle {
        private Socket socket;

        void open() throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1048576\r\n\r\ng")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void trickle(AtomicInteger reopened) {
            try {
                socket.getOutputStream().write('r');
                socket.getOutputStream().flush();
                if (socket.getInputStream().available() > 0) {
                    throw new IOException("answered");
                }
            } catch (IOException e) {
                close();
                reopened.incrementAndGet();
                try {
                    open();
                } catch (IOException again) {
                    // the next round tries again
                }
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Test
    void threeHundredSlowBodiesDoNotDelayReadiness() throws Exception {
        List<Trickle> trickles = new ArrayList<>();
        ScheduledExecutorService attacker = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger reopened = new AtomicInteger();
        assertThat(sendWith(null, "GET", "/actuator/health/readiness", null, null).status())
                .as("ready before the attack (and the probe's first call is not timed)").isEqualTo(200);
        try {
            long opening = System.nanoTime();
            for (int i = 0; i < CONNECTIONS; i++) {
                Trickle trickle = new Trickle();
                trickle.open();
                trickles.add(trickle);
            }
            System.out.printf("slow-body attack: %d connections opened in %d ms%n", CONNECTIONS,
                    (System.nanoTime() - opening) / 1_000_000);
            // The burst of 300 new connections is absorbed first (the refused ones answered and closed); from
            // then on the connections are held, and readiness is timed throughout.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                long started = System.nanoTime();
                return sendWith(null, "GET", "/actuator/health/readiness", null, null).status() == 200
                        && System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(1000);
            });
            // Each connection sends its byte every 10 s, the connections spread over those 10 s as independent
            // clients would be; a connection the gateway closed is opened again at its next byte.
            long spread = TimeUnit.SECONDS.toMillis(10) / CONNECTIONS;
            for (int i = 0; i < CONNECTIONS; i++) {
                Trickle trickle = trickles.get(i);
                attacker.scheduleAtFixedRate(() -> trickle.trickle(reopened), 10_000 + i * spread, 10_000,
                        TimeUnit.MILLISECONDS);
            }

            long until = System.nanoTime() + HOLD.toNanos();
            List<Long> latencies = new ArrayList<>();
            await().atMost(HOLD.plusSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
                long started = System.nanoTime();
                Answer readiness = sendWith(null, "GET", "/actuator/health/readiness", null, null);
                long millis = (System.nanoTime() - started) / 1_000_000;
                latencies.add(millis);
                assertThat(readiness.status()).isEqualTo(200);
                assertThat(millis).as("readiness answered in ms, probes so far " + latencies).isLessThan(1000);
                return System.nanoTime() > until;
            });
            assertThat(latencies).hasSizeGreaterThan(50);
            System.out.printf("slow-body attack: %d readiness probes, max %d ms; %d attacking connections reopened%n",
                    latencies.size(), latencies.stream().mapToLong(Long::longValue).max().orElse(0), reopened.get());
        } finally {
            attacker.shutdownNow();
            trickles.forEach(Trickle::close);
        }
    }
}
