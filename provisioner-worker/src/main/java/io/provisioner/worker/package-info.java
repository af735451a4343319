/**
 * The provisioner worker. Features live in sub-packages: {@code request} takes operations off
 * {@code provisioning.requests} and calls the broker, {@code polling} follows asynchronous operations
 * through durable delay topics, {@code broker} speaks OSB v2.17 with retries and circuit breakers,
 * {@code status} reports state changes, {@code messaging} declares topics and waits for sends.
 */
package io.provisioner.worker;
