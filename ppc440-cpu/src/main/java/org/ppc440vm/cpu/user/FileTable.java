package org.ppc440vm.cpu.user;

import java.io.IOException;

/** The process's file descriptors: small integers naming {@link OpenFile}s, lowest free number first. */
final class FileTable {
    static final int MAX_FILES = 1024;

    private final OpenFile[] files = new OpenFile[MAX_FILES];
    private final boolean[] closeOnExec = new boolean[MAX_FILES];

    /** The file open as {@code fd}, or null (EBADF). */
    OpenFile get(int fd) {
        return fd >= 0 && fd < MAX_FILES ? files[fd] : null;
    }

    /** Installs {@code file} at the lowest free descriptor at or above {@code from}; -EMFILE if none. */
    int add(OpenFile file, int from) {
        for (int fd = Math.max(0, from); fd < MAX_FILES; fd++) {
            if (files[fd] == null) {
                files[fd] = file;
                closeOnExec[fd] = false;
                return fd;
            }
        }
        return -LinuxAbi.EMFILE;
    }

    /** Installs a newly opened {@code file} at the lowest free descriptor, with O_CLOEXEC from {@code flags}. */
    long open(OpenFile file, int flags) throws IOException {
        int fd = add(file, 0);
        if (fd < 0) {
            file.close();
            return fd;
        }
        closeOnExec[fd] = (flags & LinuxAbi.O_CLOEXEC) != 0;
        return fd;
    }

    /** Makes {@code fd} name {@code file} (dup2), closing what it named before. */
    void put(int fd, OpenFile file) throws IOException {
        if (files[fd] == file) {
            return;
        }
        close(fd);
        files[fd] = file;
        closeOnExec[fd] = false;
        file.references++;
    }

    /** Closes {@code fd}; false if it was not open. The description closes with its last descriptor. */
    boolean close(int fd) throws IOException {
        OpenFile f = get(fd);
        if (f == null) {
            return false;
        }
        files[fd] = null;
        if (--f.references == 0) {
            f.close();
        }
        return true;
    }

    void setCloseOnExec(int fd, boolean value) {
        closeOnExec[fd] = value;
    }

    boolean closeOnExec(int fd) {
        return closeOnExec[fd];
    }

    /** Closes every descriptor (process exit). Errors closing host files are ignored, as exit ignores them. */
    void closeAll() {
        for (int fd = 0; fd < MAX_FILES; fd++) {
            try {
                close(fd);
            } catch (IOException ignored) {
                // nothing to report to an exiting process
            }
        }
    }
}
