package org.pgkernel.kernel.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodingsTest {
    @Test
    void names_aliases_and_numbers_are_postgresqls() {
        assertEquals("UTF8", Encodings.canonical("utf-8"));
        assertEquals("LATIN1", Encodings.canonical("ISO_8859-1"));
        assertEquals("WIN1252", Encodings.canonical("Windows-1252"));
        assertEquals("EUC_KR", Encodings.canonical("korean"));
        assertNull(Encodings.canonical("no-such-encoding"));
        assertEquals(6, Encodings.number("UTF8"));
        assertEquals(8, Encodings.number("latin1"));
        assertEquals(-1, Encodings.number("bogus"));
        assertEquals("SQL_ASCII", Encodings.name(0));
        assertEquals("", Encodings.name(99));
        assertEquals(-1, Encodings.serverNumber("SJIS"));
        assertTrue(Encodings.isServerEncoding(6));
        assertFalse(Encodings.isServerEncoding(35));
    }

    @Test
    void client_encodings_convert_with_the_matching_java_charset() {
        assertEquals(StandardCharsets.ISO_8859_1, Encodings.charset("LATIN1"));
        assertEquals(Charset.forName("windows-1252"), Encodings.charset("WIN1252"));
        assertEquals(StandardCharsets.UTF_8, Encodings.charset("SQL_ASCII"));
        assertEquals(StandardCharsets.UTF_8, Encodings.charset("MULE_INTERNAL"));
        assertEquals("LATIN1", Encodings.pgName(StandardCharsets.ISO_8859_1));
        assertEquals("UTF8", Encodings.pgName(StandardCharsets.UTF_8));
        assertEquals("WIN1252", Encodings.pgName(Charset.forName("windows-1252")));
        assertEquals("SQL_ASCII", Encodings.pgName(StandardCharsets.US_ASCII));
    }
}
