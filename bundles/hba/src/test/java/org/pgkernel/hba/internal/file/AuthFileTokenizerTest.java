package org.pgkernel.hba.internal.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFileTokenizerTest {
    @TempDir
    Path dir;
    final List<String> logged = new ArrayList<>();
    final ConfigReport report = (m, h, c) -> logged.add(m + (c == null ? "" : " | " + c));

    private List<TokenizedLine> tokenize(String content) throws IOException {
        Path f = dir.resolve("pg_hba.conf");
        Files.writeString(f, content);
        return new AuthFileTokenizer(report).tokenize(f);
    }

    private static List<String> strings(List<AuthToken> field) {
        return field.stream().map(AuthToken::string).toList();
    }

    @Test
    void skips_blank_lines_and_comments_and_counts_physical_lines() throws IOException {
        List<TokenizedLine> lines = tokenize("# comment\n\n   \t\nlocal all all trust # trailing\n");
        assertEquals(1, lines.size());
        assertEquals(4, lines.get(0).lineNumber());
        assertEquals(4, lines.get(0).fields().size());
        assertEquals("local all all trust # trailing", lines.get(0).rawLine());
    }

    @Test
    void splits_comma_lists_into_one_field_and_dequotes() throws IOException {
        TokenizedLine l = tokenize("host a,\"b c\", d,\"x\"\"y\" u 1.2.3.4/32 md5\n").get(0);
        assertEquals(List.of("a", "b c", "d", "x\"y"), strings(l.fields().get(1)));
        assertFalse(l.fields().get(1).get(0).quoted());
        assertTrue(l.fields().get(1).get(1).quoted());
    }

    @Test
    void quoted_hash_and_comma_are_text() throws IOException {
        TokenizedLine l = tokenize("local \"a#b,c\" all trust\n").get(0);
        assertEquals(List.of("a#b,c"), strings(l.fields().get(1)));
    }

    @Test
    void joins_backslash_continuations_and_reports_the_first_line_number() throws IOException {
        List<TokenizedLine> lines = tokenize("local all \\\n  all \\\n trust\nhost all all all reject\n");
        assertEquals(2, lines.size());
        assertEquals(1, lines.get(0).lineNumber());
        assertEquals(4, lines.get(0).fields().size());
        assertEquals(4, lines.get(1).lineNumber());
    }

    @Test
    void expands_at_files_relative_to_the_including_file() throws IOException {
        Files.writeString(dir.resolve("users"), "alice, bob\n# c\ncarol\n");
        TokenizedLine l = tokenize("local all @users,dave trust\n").get(0);
        assertEquals(List.of("alice", "bob", "carol", "dave"), strings(l.fields().get(2)));
    }

    @Test
    void a_quoted_at_sign_is_a_literal_name() throws IOException {
        TokenizedLine l = tokenize("local all \"@users\" trust\n").get(0);
        assertEquals(List.of("@users"), strings(l.fields().get(2)));
        assertNull(l.error());
    }

    @Test
    void a_missing_at_file_is_an_error_on_the_line() throws IOException {
        TokenizedLine l = tokenize("local all @nope trust\n").get(0);
        assertEquals("could not open file \"" + dir.resolve("nope") + "\": No such file or directory", l.error());
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).endsWith("| line 1 of configuration file \"" + dir.resolve("pg_hba.conf") + "\""));
    }

    @Test
    void include_pulls_in_the_other_files_lines_with_their_own_names() throws IOException {
        Files.writeString(dir.resolve("more.conf"), "\nhost all all all md5\n");
        List<TokenizedLine> lines = tokenize("local all all trust\ninclude more.conf\nlocal all all reject\n");
        assertEquals(3, lines.size());
        assertEquals(dir.resolve("more.conf").toString(), lines.get(1).fileName());
        assertEquals(2, lines.get(1).lineNumber());
        assertEquals(3, lines.get(2).lineNumber());
    }

    @Test
    void include_of_a_missing_file_is_an_error_but_include_if_exists_is_skipped() throws IOException {
        List<TokenizedLine> lines = tokenize("include gone.conf\ninclude_if_exists gone.conf\n");
        assertEquals(1, lines.size());
        assertEquals("could not open file \"" + dir.resolve("gone.conf") + "\": No such file or directory",
                lines.get(0).error());
        assertTrue(logged.get(1).startsWith("skipping missing authentication file \"" + dir.resolve("gone.conf") + "\""));
    }

    @Test
    void include_dir_reads_conf_files_in_name_order_and_ignores_others() throws IOException {
        Path d = Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(d.resolve("b.conf"), "host all all all md5\n");
        Files.writeString(d.resolve("a.conf"), "host all all all trust\n");
        Files.writeString(d.resolve(".hidden.conf"), "host all all all reject\n");
        Files.writeString(d.resolve("c.txt"), "host all all all reject\n");
        List<TokenizedLine> lines = tokenize("include_dir conf.d\n");
        assertEquals(List.of("trust", "md5"), lines.stream().map(l -> l.fields().get(4).get(0).string()).toList());
    }

    @Test
    void include_loops_stop_at_the_nesting_limit() throws IOException {
        List<TokenizedLine> lines = tokenize("include pg_hba.conf\n");
        assertTrue(lines.stream().anyMatch(l -> l.error() != null && l.error().endsWith("maximum nesting depth exceeded")));
    }

    @Test
    void an_unterminated_quote_runs_to_the_end_of_the_line() throws IOException {
        TokenizedLine l = tokenize("local \"all all trust\n").get(0);
        assertEquals(List.of("all all trust"), strings(l.fields().get(1)));
    }
}
