package org.pgkernel.kernel.internal.guc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileParserTest {

    @TempDir
    Path dir;

    private List<String> log = new ArrayList<>();

    private ConfigFileParser.Result parse(String text) throws IOException {
        Path f = dir.resolve("postgresql.conf");
        Files.writeString(f, text);
        return ConfigFileParser.parse(f, true, log::add);
    }

    private static String items(ConfigFileParser.Result r) {
        StringBuilder sb = new StringBuilder();
        for (ConfigFileParser.Item it : r.items()) {
            sb.append(it.name).append('=').append(it.value).append('@').append(it.line).append(';');
        }
        return sb.toString();
    }

    @Test
    void reads_names_values_comments_and_optional_equals_signs() throws IOException {
        ConfigFileParser.Result r = parse("# comment\nwork_mem = 8MB\nshared_buffers 128MB  # trailing\n\n"
                + "log_line_prefix = '%m [%p] '\nfoo.bar = x\nrandom_page_cost = 1.5\nlisten_addresses = localhost\n"
                + "data_directory_mode = 0x1c0\nlast_line_without_newline = on");
        assertTrue(r.ok());
        assertEquals("work_mem=8MB@2;shared_buffers=128MB@3;log_line_prefix=%m [%p] @5;foo.bar=x@6;random_page_cost=1.5@7;"
                + "listen_addresses=localhost@8;data_directory_mode=0x1c0@9;last_line_without_newline=on@10;", items(r));
    }

    @Test
    void quoted_strings_take_doubled_quotes_and_backslash_escapes() throws IOException {
        ConfigFileParser.Result r = parse("a = 'it''s'\nb = 'tab\\there'\nc = 'back\\\\slash'\nd = '\\101'\ne = '\\q'\n");
        assertTrue(r.ok());
        assertEquals("it's", r.items().get(0).value);
        assertEquals("tab\there", r.items().get(1).value);
        assertEquals("back\\slash", r.items().get(2).value);
        assertEquals("A", r.items().get(3).value);
        assertEquals("q", r.items().get(4).value);
    }

    @Test
    void syntax_errors_are_reported_as_postgresql_reports_them_and_parsing_goes_on() throws IOException {
        Path f = dir.resolve("postgresql.conf");
        ConfigFileParser.Result r = parse("work_mem = 8MB\nfoo bar baz\nwork_mem =\nx = 'abc\ny = 12MB;\nz = 1.5MB\nok = 1\n");
        assertFalse(r.ok());
        assertEquals(List.of(
                "syntax error in file \"" + f + "\" line 2, near token \"baz\"",
                "syntax error in file \"" + f + "\" line 3, near end of line",
                "syntax error in file \"" + f + "\" line 4, near token \"'\"",
                "syntax error in file \"" + f + "\" line 5, near token \";\"",
                "syntax error in file \"" + f + "\" line 6, near token \"MB\""), log);
        assertEquals("work_mem=8MB@1;null=null@2;null=null@3;null=null@4;null=null@5;null=null@6;ok=1@7;", items(r));
        assertEquals("syntax error", r.items().get(1).error);
    }

    @Test
    void a_qualified_name_is_not_a_value() throws IOException {
        assertFalse(parse("default_text_search_config = pg_catalog.english\n").ok());
        assertTrue(parse("default_text_search_config = 'pg_catalog.english'\n").ok());
    }

    @Test
    void includes_resolve_relative_to_the_including_file() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Files.writeString(sub.resolve("inner.conf"), "work_mem = 2MB\ninclude 'deeper.conf'\n");
        Files.writeString(sub.resolve("deeper.conf"), "work_mem = 3MB\n");
        Path confd = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(confd.resolve("b.conf"), "b = 2\n");
        Files.writeString(confd.resolve("a.conf"), "a = 1\n");
        Files.writeString(confd.resolve(".hidden.conf"), "hidden = 1\n");
        Files.writeString(confd.resolve("c.txt"), "c = 1\n");
        ConfigFileParser.Result r = parse("include 'sub/inner.conf'\ninclude_if_exists 'missing.conf'\ninclude_dir 'conf.d'\nlast = 1\n");
        assertTrue(r.ok());
        assertEquals("work_mem=2MB@1;work_mem=3MB@1;a=1@1;b=2@1;last=1@4;", items(r));
        assertEquals(sub.resolve("deeper.conf").toString(), r.items().get(1).file);
        assertEquals(List.of("skipping missing configuration file \"" + dir.resolve("missing.conf") + "\""), log);
    }

    @Test
    void a_missing_include_or_directory_is_an_error() throws IOException {
        assertFalse(parse("include 'nofile.conf'\n").ok());
        assertEquals("could not open configuration file \"" + dir.resolve("nofile.conf") + "\": No such file or directory", log.get(0));
        log.clear();
        assertFalse(parse("include_dir 'nodir'\n").ok());
        assertEquals("could not open configuration directory \"" + dir.resolve("nodir") + "\": No such file or directory", log.get(0));
    }

    @Test
    void includes_stop_at_ten_levels() throws IOException {
        assertFalse(parse("include 'postgresql.conf'\n").ok());
        assertTrue(log.get(0).endsWith("maximum nesting depth exceeded"));
    }
}
