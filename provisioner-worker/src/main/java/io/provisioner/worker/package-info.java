/**
 * The provisioner worker. Features live in sub-packages: {@code request} takes operations off
 * {@code provisioning.requests}; {@code operation} carries each operation through its steps (the broker
 * call, polling, durable retries, orphan mitigation); {@code polling} runs scheduled steps off durable
 * delay topics; {@code progress} shares what each operation got to between workers; {@code broker}
 * speaks OSB v2.17 with retries, circuit breakers and bulkheads; {@code status} reports state changes;
 * {@code messaging} declares topics, waits for sends and parks dead letters.
 */
package io.provisioner.worker;
