package org.ppc440vm.board.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MonitorAddressTest {

    static String error(String spec) {
        return assertThrows(IllegalArgumentException.class, () -> MonitorAddress.parse(spec)).getMessage();
    }

    @Test
    void qemuSpellingsOfALoopbackServer() {
        MonitorAddress a = MonitorAddress.parse("tcp:127.0.0.1:4444,server=on,wait=off");
        assertEquals("127.0.0.1", a.host);
        assertEquals(4444, a.port);
        assertEquals(4444, MonitorAddress.parse("tcp:127.0.0.1:4444,server,nowait").port);
        assertEquals("127.0.0.1", MonitorAddress.parse("tcp::0").host, "an empty host is 127.0.0.1");
        assertEquals("::1", MonitorAddress.parse("tcp:[::1]:5").host);
        assertNull(MonitorAddress.parse("stdio"));
        assertNull(MonitorAddress.parse("none"));
    }

    @Test
    void whatIsNotSupportedIsSaid() {
        assertTrue(error("tcp:0.0.0.0:4444").contains("loopback addresses only"));
        assertTrue(error("tcp:example.org:4444").contains("loopback addresses only"));
        assertTrue(error("tcp:127.0.0.1:4444,wait=on").contains("wait=on is not supported"));
        assertTrue(error("tcp:127.0.0.1:4444,server=off").contains("only a listening server"));
        assertTrue(error("tcp:127.0.0.1:99999").contains("outside 0-65535"));
        assertTrue(error("tcp:127.0.0.1:x").contains("bad port"));
        assertTrue(error("telnet:1").contains("expected stdio, none or tcp:127.0.0.1:PORT"));
    }
}
