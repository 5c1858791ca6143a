package org.ppc440vm.board.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

import org.ppc440vm.board.console.Console;
import org.ppc440vm.board.console.MonitorShell;
import org.ppc440vm.board.console.RawTerminal;
import org.ppc440vm.board.console.StdioConsole;
import org.ppc440vm.board.console.TcpConsole;
import org.ppc440vm.board.fdt.BoardDeviceTree;
import org.ppc440vm.board.fdt.Fdt;
import org.ppc440vm.board.fdt.FdtFormatException;
import org.ppc440vm.board.fdt.FdtNode;
import org.ppc440vm.board.fdt.FdtReader;
import org.ppc440vm.board.fdt.FdtWriter;
import org.ppc440vm.board.loader.BootLoader;
import org.ppc440vm.board.loader.ImageParser;
import org.ppc440vm.board.loader.KernelImage;
import org.ppc440vm.board.loader.LoadException;
import org.ppc440vm.board.machine.Board;
import org.ppc440vm.board.machine.BoardException;
import org.ppc440vm.board.uart.Uart16550;
import org.ppc440vm.board.uic.Uic;
import org.ppc440vm.cpu.spi.GuestRam;
import org.ppc440vm.kvm.spi.Hypervisor;
import org.ppc440vm.kvm.spi.VcpuOptions;
import org.ppc440vm.kvm.spi.VirtualCpu;

/**
 * Builds a ready-to-start {@link Vm} from the command line: reads and checks the images, builds the board and its
 * device tree (or patches the given one), places everything in RAM, makes the vCPU and gives it its boot state.
 * Every failure is a {@link LoadException} or {@link BoardException} with a message for the user.
 */
public final class VmFactory {
    /** The built-in guest: our bare-metal program (see bundles/board/guest/). */
    public static final String DEFAULT_GUEST = "/org/ppc440vm/board/guest/defaultguest.elf";
    static final String DEFAULT_GUEST_NAME = "built-in guest";

    /** The host side of a run: the process's streams and where the end status goes. */
    public static final class Host {
        final OutputStream stdout;
        final InputStream stdin;
        final boolean realTerminal;
        final PrintStream err;
        final Supplier<MonitorShell> monitors;
        final IntConsumer onEnd;

        /**
         * @param realTerminal whether {@code stdin} is the process's own standard input (only then is the terminal
         *        put into raw mode)
         */
        public Host(OutputStream stdout, InputStream stdin, boolean realTerminal, PrintStream err,
                Supplier<MonitorShell> monitors, IntConsumer onEnd) {
            this.stdout = stdout;
            this.stdin = stdin;
            this.realTerminal = realTerminal;
            this.err = err;
            this.monitors = monitors;
            this.onEnd = onEnd;
        }
    }

    private VmFactory() {
    }

    public static Vm create(String name, VmOptions o, Hypervisor hypervisor, List<Board.Plugged> plugged, Host host)
            throws LoadException, BoardException, IOException {
        boolean builtIn = o.kernel == null;
        // The JVM zeroes a new array page by page: 256 MiB took 35 ms to 700 ms on the build machine (the kernel
        // finding huge pages), so it runs on a thread of its own while the images are read and parsed.
        RamAllocation ram = new RamAllocation(Board.checkRamSize(o.ramBytes));
        KernelImage kernel = builtIn ? ImageParser.parse(DEFAULT_GUEST_NAME, defaultGuest())
                : ImageParser.parse(o.kernel, readFile("-kernel", o.kernel));
        byte[] initrd = o.initrd == null ? null : readFile("-initrd", o.initrd);
        Fdt givenTree = null;
        if (o.dtb != null) {
            try {
                givenTree = FdtReader.read(readFile("-dtb", o.dtb));
            } catch (FdtFormatException e) {
                throw new LoadException("-dtb " + o.dtb + ": " + e.getMessage(), e);
            }
        }

        StartupTrace.phase("images read");
        Uart16550 uart = new Uart16550();
        Board board = new Board(ram.get(), o.strictBus, uart, plugged, m -> host.err.println("ppc440vm: warning: " + m),
                m -> host.err.println("ppc440vm: " + m));

        StartupTrace.phase("board built (RAM allocated beside the images)");
        long[] initrdRange = BootLoader.initrdRange(initrd);
        BoardDeviceTree.Chosen chosen = new BoardDeviceTree.Chosen(o.append, initrdRange[0], initrdRange[1], null);
        byte[] blob;
        long timebaseHz = BoardDeviceTree.TIMEBASE_HZ;
        if (givenTree != null) {
            FdtNode root = givenTree.root().copy();
            BoardDeviceTree.patch(root, o.ramBytes, chosen);
            blob = new Fdt(root, givenTree.reservations(), givenTree.bootCpu()).toBlob();
            timebaseHz = BoardDeviceTree.timebaseHz(root, timebaseHz);
        } else {
            blob = FdtWriter.write(board.deviceTree(chosen));
        }
        String initrdName = o.initrd;
        // Check and place once now, so that a bad image fails before any thread starts.
        BootLoader.Placement placement = BootLoader.place(board.ram(), kernel, initrdName, initrd, blob);

        StartupTrace.phase("images placed in RAM");
        VcpuOptions vo = new VcpuOptions().index(0).timebaseHz(timebaseHz).icountShift(o.icountShift)
                .tlbCheck(o.tlbCheck);
        VirtualCpu vcpu = hypervisor.createVcpu(board.ram(), vo);
        BootLoader.prepareCpu(vcpu.state(), vcpu.mmu(), placement);

        board.uic().connect(new Uic.Outputs() {
            @Override
            public void external(boolean asserted) {
                vcpu.setExternalInput(asserted);
            }

            @Override
            public void critical(boolean asserted) {
                vcpu.setCriticalInput(asserted);
            }
        });

        Vm[] self = new Vm[1];
        Console console = console(o, host, () -> self[0].quit(0));
        uart.setBackend(console);
        console.connect(uart);
        board.attach();

        Vm.Bootstrap reboot = () -> {
            vcpu.reset();
            board.reset();
            BootLoader.Placement p = BootLoader.place(board.ram(), kernel, initrdName, initrd, blob);
            BootLoader.prepareCpu(vcpu.state(), vcpu.mmu(), p);
        };
        Vm vm = new Vm(name, board, vcpu, console, reboot, o.noReboot, o.stats, host.err, host.onEnd);
        self[0] = vm;
        if (builtIn) {
            vm.setAfterEnd(() -> host.err.println(bootLinuxHint()));
        }
        return vm;
    }

    /** Guest RAM being allocated on a thread of its own. */
    private static final class RamAllocation implements Runnable {
        private final int bytes;
        private final Thread thread;
        private GuestRam ram;
        private OutOfMemoryError failure;

        RamAllocation(int bytes) {
            this.bytes = bytes;
            this.thread = new Thread(this, "ppc440vm-ram");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            try {
                ram = new GuestRam(bytes);
            } catch (OutOfMemoryError e) {
                failure = e;
            }
        }

        GuestRam get() throws BoardException {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null || ram == null) {
                throw new BoardException("cannot allocate " + (bytes >> 20) + " MiB of guest RAM in the Java heap ("
                        + (Runtime.getRuntime().maxMemory() >> 20) + " MiB): give less with -m, or a larger heap"
                        + " with PPC440VM_JAVA_OPTS=-Xmx...");
            }
            return ram;
        }
    }

    private static Console console(VmOptions o, Host host, Runnable quit) {
        switch (o.serial) {
            case TCP:
                return new TcpConsole(o.serialHost, o.serialPort, m -> host.err.println("ppc440vm: " + m));
            case NONE:
                return Console.none();
            default:
                // With the monitor on stdio (-monitor stdio) Gogo reads the terminal; the guest gets no input then.
                InputStream in = o.monitorOnStdio ? null : host.stdin;
                RawTerminal terminal = host.realTerminal && in != null ? new RawTerminal() : null;
                return new StdioConsole(host.stdout, in, terminal, host.monitors, quit);
        }
    }

    static String bootLinuxHint() {
        return "ppc440vm: that was the built-in guest. To boot Linux, give a kernel, for example the reference guest:\n"
                + "  ./ppc440vm -M bamboo -m 256 -nographic -no-reboot -kernel ../shared/guest/vmlinux \\\n"
                + "      -initrd ../shared/guest/initramfs.cpio.gz -append \"console=ttyS0 rdinit=/init\"\n"
                + "(C-a x quits, C-a c switches to the monitor; ./ppc440vm --help lists every option)";
    }

    static byte[] defaultGuest() throws LoadException {
        try (InputStream in = VmFactory.class.getResourceAsStream(DEFAULT_GUEST)) {
            if (in == null) {
                throw new LoadException("the built-in guest " + DEFAULT_GUEST + " is missing from the board bundle");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LoadException("cannot read the built-in guest: " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(String option, String file) throws LoadException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new LoadException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new LoadException(option + " " + file + ": cannot read: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new LoadException(option + " " + file + ": too large to load");
        }
    }
}
