package io.provisioner.samplebroker;

/** OSB error body: {@code {"error": "...", "description": "..."}}. */
record ErrorBody(String error, String description) {
}
