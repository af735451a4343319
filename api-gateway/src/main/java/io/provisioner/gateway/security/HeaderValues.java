package io.provisioner.gateway.security;

/**
 * The header check of Spring Security's {@code StrictHttpFirewall} (every character assigned in Unicode
 * and not an ISO control character), as a loop instead of its regular expression
 * {@code [\p{IsAssigned}&&[^\p{IsControl}]]*}, which ran over every character of every request's
 * kilobyte-long bearer token and cost more than a create's database work.
 */
final class HeaderValues {

    private HeaderValues() {
    }

    static boolean allowed(String value) {
        for (int i = 0, n = value.length(); i < n; ) {
            int c = value.codePointAt(i);
            if (c >= 0x20 && c < 0x7f) {
                i++;
                continue;
            }
            if (Character.isISOControl(c) || Character.getType(c) == Character.UNASSIGNED) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }
}
