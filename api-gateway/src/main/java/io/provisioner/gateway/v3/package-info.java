/**
 * The few Cloud Controller v3 reads that v2 clients make on the side: the cf CLI v6 ({@code cf org},
 * {@code cf space}: isolation segments) and cf-java-client's operations API (organizations and spaces by
 * name). They answer in v3's shapes (pagination, {@code {"errors": [...]}}); everything else under
 * {@code /v3} is v3's 404.
 */
package io.provisioner.gateway.v3;
