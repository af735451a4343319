/**
 * Cloud Controller's users ({@code /v2/users}) and the role lists of organizations and spaces, with the
 * by-username role endpoints the cf CLI uses ({@code cf set-org-role}, {@code cf create-space}). A user is
 * a guid (UAA's user id); names come from the {@link io.provisioner.gateway.security.UserDirectory}.
 */
package io.provisioner.gateway.users;
