/**
 * What the worker knows of each operation's progress, shared by every worker through the compacted,
 * worker-private topic {@code provisioning.operations} (key = operation id): whether the broker was
 * called, which scheduled step is the live one, whether it is finished. It turns a redelivered request
 * into a continuation instead of a second broker call, lets a newer operation (a delete during a create)
 * stop an older one's polling, and drops duplicate scheduled steps after a crash. Every worker reads the
 * whole topic at start-up and then follows it.
 */
package io.provisioner.worker.progress;
