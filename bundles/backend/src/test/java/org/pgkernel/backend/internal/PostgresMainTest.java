package org.pgkernel.backend.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

class PostgresMainTest {

    @Test
    void a_failed_clientcert_verify_full_check_is_reported_as_the_methods_own_failure() {
        String[][] cases = {
            {"trust", "\"trust\" authentication failed for user \"u\"", "28000"},
            {"scram-sha-256", "password authentication failed for user \"u\"", "28P01"},
            {"md5", "password authentication failed for user \"u\"", "28P01"},
            {"password", "password authentication failed for user \"u\"", "28P01"},
            {"ident", "Ident authentication failed for user \"u\"", "28000"},
            {"peer", "Peer authentication failed for user \"u\"", "28000"},
            {"cert", "certificate authentication failed for user \"u\"", "28000"},
            {"ldap", "LDAP authentication failed for user \"u\"", "28000"},
            {"gss", "GSSAPI authentication failed for user \"u\"", "28000"},
            {"radius", "RADIUS authentication failed for user \"u\"", "28000"},
            {"nonsense", "authentication failed for user \"u\": invalid authentication method", "28000"},
        };
        for (String[] c : cases) {
            PgException e = PostgresMain.authFailed(c[0], "u");
            assertEquals(c[1], e.getMessage(), c[0]);
            assertEquals(c[2], e.sqlState().code(), c[0]);
            assertEquals(ErrorSeverity.FATAL, e.severity(), c[0]);
        }
    }

    @Test
    void the_user_name_is_quoted_as_given_even_with_percent_signs() {
        assertEquals("\"trust\" authentication failed for user \"a%sb\"", PostgresMain.authFailed("trust", "a%sb").getMessage());
        assertEquals(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, PostgresMain.authFailed("trust", "x").sqlState());
    }
}
