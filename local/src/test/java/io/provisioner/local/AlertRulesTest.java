package io.provisioner.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The alert rules pass {@code promtool check rules}, and their unit tests
 * ({@code provisioner-alerts.test.yml}: each alert firing on its situation and quiet otherwise) pass
 * {@code promtool test rules}.
 */
class AlertRulesTest {

    @Test
    void theAlertRulesAreValid() throws Exception {
        RealPrometheus.installIfMissing();
        RealPrometheus.ProcessResult check = RealPrometheus.run(List.of("promtool", "check", "rules",
                RealPrometheus.ALERTS.toString()));
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: " + MonitoringQueries.alerts().size() + " rules found");
    }

    @Test
    void everyAlertFiresOnItsSituationAndStaysQuietOtherwise() throws Exception {
        RealPrometheus.installIfMissing();
        String tests = RealPrometheus.ALERTS.resolveSibling("provisioner-alerts.test.yml").toString();
        RealPrometheus.ProcessResult test = RealPrometheus.run(List.of("promtool", "test", "rules", tests));
        assertThat(test.exitCode()).as(test.output()).isZero();
        // every alert has a test case
        String cases = java.nio.file.Files.readString(java.nio.file.Path.of(tests));
        for (MonitoringQueries.Query alert : MonitoringQueries.alerts()) {
            assertThat(cases).contains("alertname: " + alert.source().substring("alert ".length()));
        }
    }
}
