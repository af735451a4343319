/**
 * The contracts between Provisioner's processes: event records, the CloudEvents-style envelope,
 * topic names and the JSON Schemas (under {@code schemas/v1/}) that describe them on the wire.
 * No Spring and no Kafka code lives here: the gateway and the worker meet only in this package.
 */
package io.provisioner.schemas;
