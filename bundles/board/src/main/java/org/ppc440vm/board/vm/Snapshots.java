package org.ppc440vm.board.vm;

import java.nio.file.Path;

/** Where vm:snapshot, vm:restore and -loadvm reach the snapshot code. */
final class Snapshots {

    private Snapshots() {
    }

    static void save(Vm vm, Path file) throws Exception {
        org.ppc440vm.board.vm.snapshot.MachineSnapshot.save(vm, file);
    }

    static void restore(Vm vm, Path file) throws Exception {
        org.ppc440vm.board.vm.snapshot.MachineSnapshot.restore(vm, file);
    }
}
