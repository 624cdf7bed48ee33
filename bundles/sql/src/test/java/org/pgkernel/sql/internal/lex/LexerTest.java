package org.pgkernel.sql.internal.lex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgkernel.kernel.api.PgException;

class LexerTest {
    private static List<String> kinds(String sql) {
        List<String> out = new ArrayList<>();
        for (Token t : Lexer.lex(sql)) {
            if (t.kind() != TokenKind.EOF) out.add(t.kind() + ":" + t.value() + "@" + t.start());
        }
        return out;
    }

    @Test
    void downcases_identifiers_unless_quoted() {
        assertEquals(List.of("IDENT:select@0", "IDENT:foo@7", "PUNCT:,@10", "IDENT:Bar\"x@12"), kinds("SELECT Foo, \"Bar\"\"x\""));
    }

    @Test
    void reads_numbers_as_postgres_classifies_them() {
        assertEquals(List.of("ICONST:42@0", "FCONST:4.5@3", "FCONST:.5e-3@7", "FCONST:9999999999@13"), kinds("42 4.5 .5e-3 9999999999"));
    }

    @Test
    void rejects_trailing_junk_after_numbers() {
        PgException e = assertThrows(PgException.class, () -> Lexer.lex("select 123abc"));
        assertEquals("trailing junk after numeric literal at or near \"123abc\"", e.getMessage());
        assertEquals(8, e.position());
    }

    @Test
    void reads_the_four_kinds_of_string_constants() {
        assertEquals(List.of("SCONST:it's@0"), kinds("'it''s'"));
        assertEquals(List.of("SCONST:a\nb\t@0"), kinds("E'a\\nb\\t'"));
        assertEquals(List.of("SCONST:ab@0"), kinds("'a'\n  'b'"));
        assertEquals(List.of("SCONST:x$y@0", "SCONST: it's @8"), kinds("$$x$y$$ $q$ it's $q$"));
        assertEquals(List.of("SCONST:\u00e9@0"), kinds("U&'\\00e9'"));
    }

    @Test
    void adjacent_strings_on_one_line_are_two_tokens() {
        assertEquals(List.of("SCONST:a@0", "SCONST:b@4"), kinds("'a' 'b'"));
    }

    @Test
    void splits_operators_by_postgres_rules() {
        assertEquals(List.of("ICONST:1@0", "OP:+@1", "OP:-@2", "ICONST:2@3"), kinds("1+-2"));
        assertEquals(List.of("IDENT:a@0", "OP:<>@2", "IDENT:b@5"), kinds("a != b"));
        assertEquals(List.of("IDENT:a@0", "TYPECAST:::@1", "IDENT:int@3", "OP:@-@7"), kinds("a::int @-"));
        assertEquals(List.of("PARAM:1@0", "OP:||@3", "PARAM:2@6"), kinds("$1 || $2"));
    }

    @Test
    void skips_nested_comments_and_reports_unterminated_ones() {
        assertEquals(List.of("ICONST:1@22"), kinds("/* a /* nested */ b */1 -- tail"));
        PgException e = assertThrows(PgException.class, () -> Lexer.lex("select /* x"));
        assertEquals("unterminated /* comment at or near \"/* x\"", e.getMessage());
        assertEquals(8, e.position());
    }

    @Test
    void reports_unterminated_strings_at_their_start() {
        PgException e = assertThrows(PgException.class, () -> Lexer.lex("select 'abc"));
        assertEquals("unterminated quoted string at or near \"'abc\"", e.getMessage());
        assertEquals(8, e.position());
        assertEquals("zero-length delimited identifier at or near \"\"\"\"",
                assertThrows(PgException.class, () -> Lexer.lex("select \"\"")).getMessage());
    }

    @Test
    void positions_count_characters_not_utf16_units() {
        assertEquals(5, Lexer.position("'\uD83D\uDE00' x", 5));
    }
}
