package org.pgkernel.hba.internal.rule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class InetTextTest {
    @Test
    void prints_ipv6_in_the_shortest_form_as_getnameinfo_does() {
        assertEquals("::1", InetText.format(InetText.parse("::1")));
        assertEquals("::", InetText.format(InetText.parse("::")));
        assertEquals("ffff:ffff:ffff:ffff::", InetText.format(InetText.cidrMask(64, 16)));
        assertEquals("fe80::1", InetText.format(InetText.parse("fe80::1%lo")));
        assertEquals("1:0:2::3", InetText.format(InetText.parse("1:0:2:0:0:0:0:3")));
        assertEquals("1::2:0:0:3", InetText.format(InetText.parse("1:0:0:0:2:0:0:3")));
    }

    @Test
    void host_names_are_not_numeric_addresses() {
        assertNull(InetText.parse("300.1.1.1"));
        assertNull(InetText.parse("example.com"));
        assertNull(InetText.parse(""));
    }

    @Test
    void cidr_masks_and_their_limits() {
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 240, 0}, InetText.cidrMask(20, 4));
        assertEquals(-1, InetText.parseMaskBits("33", 4));
        assertEquals(-1, InetText.parseMaskBits("", 4));
        assertEquals(-1, InetText.parseMaskBits("8x", 4));
        assertEquals(128, InetText.parseMaskBits("128", 16));
    }
}
