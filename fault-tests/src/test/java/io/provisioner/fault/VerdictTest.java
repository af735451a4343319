package io.provisioner.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The suite's own bookkeeping (runs in the normal build; the suite itself needs -Pfault-tests). */
class VerdictTest {

    @Test
    void theLineCarriesEveryCountAndTheOutcome() {
        Verdict v = new Verdict(1, "kill -9 worker");
        v.requested = 1000;
        v.succeeded = 1000;
        v.absorbed = 12;
        v.absorbedRetriesAllowed = true;
        v.tookSeconds = 95;
        assertThat(v.passed()).isTrue();
        assertThat(v.line()).isEqualTo("scenario 1 kill -9 worker: 1000 requested, 1000 succeeded, 0 lost, 0 stuck, "
                + "0 wrong, 0 unabsorbed duplicate provisions (12 absorbed retries), took 95 s — PASSED");
    }

    @Test
    void anyLossStuckWrongDuplicateOrProblemFailsTheScenario() {
        Verdict stuck = new Verdict(2, "x");
        stuck.requested = 10;
        stuck.succeeded = 9;
        stuck.stuck = 1;
        assertThat(stuck.passed()).isFalse();
        assertThat(stuck.line()).contains("1 stuck").endsWith("FAILED");

        Verdict problem = new Verdict(3, "x");
        problem.requested = 10;
        problem.succeeded = 10;
        problem.problems.add("a 500");
        assertThat(problem.passed()).isFalse();

        Verdict nothing = new Verdict(4, "x");
        assertThat(nothing.passed()).as("a scenario that requested nothing proved nothing").isFalse();
    }

    @Test
    void poisonIsRecognisedByHeaderKeyOrValue() {
        String id = "poison-0f8fad5b-d9cb-469f-a165-70867728950e";
        ConsumerRecord<String, byte[]> byKey = new ConsumerRecord<>("t.dlt", 0, 0, id, new byte[0]);
        assertThat(Poison.idOf(byKey)).isEqualTo(id);
        ConsumerRecord<String, byte[]> byValue = new ConsumerRecord<>("t.dlt", 0, 0, null,
                ("{not json either, " + id).getBytes(StandardCharsets.UTF_8));
        assertThat(Poison.idOf(byValue)).isEqualTo(id);
        ConsumerRecord<String, byte[]> byHeader = new ConsumerRecord<>("t.dlt", 0, 0, null, null);
        byHeader.headers().add(Poison.HEADER, (id + " tombstone").getBytes(StandardCharsets.UTF_8));
        assertThat(Poison.idOf(byHeader)).isEqualTo(id);
        assertThat(Poison.idOf(new ConsumerRecord<>("t.dlt", 0, 0, "0f8fad5b", new byte[0]))).isNull();
    }
}
