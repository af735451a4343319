package io.provisioner.worker.polling;

/**
 * Carries out a scheduled step that is due. Returns when everything the step produced is in Kafka, so
 * the record may be committed; throws to have the record handled again (a bounded number of times).
 */
public interface DueWorkHandler {

    void handle(DueWork work);
}
