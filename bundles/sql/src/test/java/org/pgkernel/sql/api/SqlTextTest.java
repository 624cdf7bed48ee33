package org.pgkernel.sql.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Passwords never reach the log through a logged statement. */
class SqlTextTest {

    @Test
    void password_literals_are_masked_and_nothing_else_changes() {
        assertEquals("CREATE ROLE a LOGIN PASSWORD '********' VALID UNTIL 'infinity'",
                SqlText.redactPasswords("CREATE ROLE a LOGIN PASSWORD 's''e cret' VALID UNTIL 'infinity'"));
        assertEquals("alter user b with encrypted password '********';\nSELECT 'password'",
                SqlText.redactPasswords("alter user b with encrypted password E'x\\'y';\nSELECT 'password'"));
        assertEquals("ALTER ROLE c PASSWORD '********'", SqlText.redactPasswords("ALTER ROLE c PASSWORD $$dollar$$"));
        assertEquals("ALTER ROLE c PASSWORD NULL", SqlText.redactPasswords("ALTER ROLE c PASSWORD NULL"));
        assertEquals("SELECT 1", SqlText.redactPasswords("SELECT 1"));
    }

    @Test
    void a_statement_that_does_not_lex_is_not_shown_when_it_mentions_a_password() {
        assertEquals("<statement not shown: it may hold a password>", SqlText.redactPasswords("CREATE ROLE a PASSWORD 'unterminated"));
        assertEquals("SELECT 'unterminated", SqlText.redactPasswords("SELECT 'unterminated"));
    }
}
