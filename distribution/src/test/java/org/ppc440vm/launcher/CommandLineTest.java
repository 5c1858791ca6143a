package org.ppc440vm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void parsesQemuStyleOptionsWithRepeats() throws Exception {
        CommandLine c = CommandLine.parse(new String[] {"-M", "bamboo", "-m", "256", "-nographic", "-kernel", "vmlinux",
                "-drive", "file=a.img,if=virtio", "-drive", "file=b.img,if=virtio", "-append", "console=ttyS0 x=1"});
        assertEquals("bamboo", c.value("M"));
        assertEquals("256", c.value("m"));
        assertTrue(c.has("nographic"));
        assertEquals(List.of("file=a.img,if=virtio", "file=b.img,if=virtio"), c.options.get("drive"));
        assertEquals("console=ttyS0 x=1", c.value("append"));
        assertNull(c.subcommand);
    }

    @Test
    void aSubcommandTakesTheRestOfTheLine() throws Exception {
        CommandLine c = CommandLine.parse(new String[] {"user", "prog.elf", "-m", "--help"});
        assertEquals("user", c.subcommand);
        assertEquals(List.of("prog.elf", "-m", "--help"), c.subcommandArgs);
        assertTrue(c.options.isEmpty());
    }

    @Test
    void errorsNameTheProblem() {
        assertTrue(assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(new String[] {"-bogus"}))
                .getMessage().contains("unknown option '-bogus'"));
        assertTrue(assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(new String[] {"-kernel"}))
                .getMessage().contains("needs a value"));
        assertTrue(assertThrows(CommandLine.UsageException.class,
                () -> CommandLine.parse(new String[] {"-m", "1", "-m", "2"})).getMessage().contains("twice"));
        assertTrue(assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse(new String[] {"vmlinux"}))
                .getMessage().contains("unexpected argument"));
    }

    @Test
    void helpDocumentsEveryOptionAndSubcommand() {
        String help = CommandLine.help();
        for (CommandLine.Option o : CommandLine.OPTIONS) {
            assertTrue(help.contains("  -" + o.name + " ") || help.contains("  -" + o.name + "\n"), o.name);
        }
        for (String s : CommandLine.SUBCOMMANDS.keySet()) {
            assertTrue(help.contains("ppc440vm " + s), s);
        }
    }

    @Test
    void theOptionsMapKeepsTheOrderAcrossOptions() throws Exception {
        CommandLine c = CommandLine.parse(new String[] {"-M", "bamboo", "-drive", "file=a.img,if=virtio", "-netdev",
                "user,id=n0", "-device", "virtio-net,netdev=n0", "-drive", "file=b.img", "-nographic", "-object",
                "filter-dump,id=f0,netdev=n0,file=n0.pcap"});
        java.util.Map<String, List<String>> m = Main.optionsMap(c);
        assertEquals(List.of("M", "drive", "netdev", "device", "drive", "nographic", "object"), m.get(Main.ORDER_KEY));
        assertEquals("@order", Main.ORDER_KEY);
        assertEquals(List.of("file=a.img,if=virtio", "file=b.img"), m.get("drive"));
        assertEquals(List.of("filter-dump,id=f0,netdev=n0,file=n0.pcap"), m.get("object"));
        assertEquals(List.of(), Main.optionsMap(CommandLine.parse(new String[] {"user", "x.elf"})).get(Main.ORDER_KEY));
    }

    @Test
    void theMonitorIsStdioNoneOrALoopbackTcpServer() throws Exception {
        for (String ok : new String[] {"stdio", "none", "tcp:127.0.0.1:4444", "tcp:127.0.0.1:4444,server=on,wait=off",
                "tcp::0,server,nowait", "tcp:localhost:5"}) {
            assertEquals(ok, CommandLine.parse(new String[] {"-monitor", ok}).value("monitor"));
        }
        String[][] bad = {{"tcp:0.0.0.0:4444", "loopback addresses only"}, {"tcp:127.0.0.1:4444,wait=on", "wait=on"},
                {"tcp:127.0.0.1:x", "bad port"}, {"vc", "expected stdio, none or tcp"},
                {"tcp:127.0.0.1:1,reconnect=5", "unsupported option"}};
        for (String[] b : bad) {
            String m = assertThrows(CommandLine.UsageException.class,
                    () -> CommandLine.parse(new String[] {"-monitor", b[0]})).getMessage();
            assertTrue(m.contains(b[1]), m);
        }
        assertEquals("snap.bin", CommandLine.parse(new String[] {"-loadvm", "snap.bin"}).value("loadvm"));
        assertTrue(CommandLine.help().contains("-loadvm FILE"));
    }
}
