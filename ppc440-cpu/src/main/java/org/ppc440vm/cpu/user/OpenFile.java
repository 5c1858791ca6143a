package org.ppc440vm.cpu.user;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * An open file description of the emulated process (what a Linux {@code struct file} is): the standard streams,
 * which pass bytes straight through to the host's streams, or a host file opened by path. Operations answer a
 * count or a negative errno, the way the syscall returns it.
 */
abstract class OpenFile {
    /** File descriptors sharing this description (dup). */
    int references = 1;
    /** O_ACCMODE, O_APPEND and the like, as F_GETFL reports them. */
    int statusFlags;

    abstract int read(byte[] buffer, int offset, int length) throws IOException;

    abstract int write(byte[] buffer, int offset, int length) throws IOException;

    /** lseek: the new offset, or a negative errno. */
    long seek(long offset, int whence) throws IOException {
        return -LinuxAbi.ESPIPE;
    }

    int pread(byte[] buffer, int offset, int length, long position) throws IOException {
        return -LinuxAbi.ESPIPE;
    }

    int pwrite(byte[] buffer, int offset, int length, long position) throws IOException {
        return -LinuxAbi.ESPIPE;
    }

    abstract FileStatus status() throws IOException;

    /** ftruncate: only regular files can be resized. */
    long truncate(long length) throws IOException {
        return -LinuxAbi.EINVAL;
    }

    boolean isTerminal() {
        return false;
    }

    /** The host path, for mmap of a file and openat relative to a directory; null for streams. */
    Path path() {
        return null;
    }

    void close() throws IOException {
    }

    /** What fstat/statx report, in host terms. */
    static final class FileStatus {
        int mode;
        long size;
        long inode;
        long device;
        long rdev;
        int links = 1;
        int uid;
        int gid;
        int blockSize = 4096;
        long blocks;
        long accessSeconds;
        int accessNanos;
        long modifySeconds;
        int modifyNanos;
        long changeSeconds;
        int changeNanos;

        static FileStatus of(Path path, boolean followLinks) throws IOException {
            LinkOption[] opts = followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
            FileStatus s = new FileStatus();
            try {
                Map<String, Object> u = Files.readAttributes(path, "unix:*", opts);
                s.mode = (Integer) u.get("mode");
                s.inode = (Long) u.get("ino");
                s.device = (Long) u.get("dev");
                s.rdev = (Long) u.get("rdev");
                s.links = (Integer) u.get("nlink");
                s.uid = (Integer) u.get("uid");
                s.gid = (Integer) u.get("gid");
                s.size = (Long) u.get("size");
                setTime(s, (FileTime) u.get("lastAccessTime"), 'a');
                setTime(s, (FileTime) u.get("lastModifiedTime"), 'm');
                setTime(s, (FileTime) u.get("ctime"), 'c');
            } catch (UnsupportedOperationException | IllegalArgumentException noUnixView) {
                BasicFileAttributes b = Files.readAttributes(path, BasicFileAttributes.class, opts);
                s.mode = (b.isDirectory() ? LinuxAbi.S_IFDIR : b.isSymbolicLink() ? LinuxAbi.S_IFLNK
                        : b.isRegularFile() ? LinuxAbi.S_IFREG : LinuxAbi.S_IFCHR) | 0644;
                s.size = b.size();
                setTime(s, b.lastAccessTime(), 'a');
                setTime(s, b.lastModifiedTime(), 'm');
                setTime(s, b.lastModifiedTime(), 'c');
            }
            s.blocks = (s.size + 511) / 512;
            return s;
        }

        private static void setTime(FileStatus s, FileTime t, char which) {
            if (t == null) {
                return;
            }
            java.time.Instant i = t.toInstant();
            switch (which) {
                case 'a':
                    s.accessSeconds = i.getEpochSecond();
                    s.accessNanos = i.getNano();
                    break;
                case 'm':
                    s.modifySeconds = i.getEpochSecond();
                    s.modifyNanos = i.getNano();
                    break;
                default:
                    s.changeSeconds = i.getEpochSecond();
                    s.changeNanos = i.getNano();
            }
        }
    }

    /** stdin: bytes from a host stream. A pipe, unless the host says it is a terminal. */
    static final class Input extends OpenFile {
        private final InputStream in;
        private final boolean terminal;

        Input(InputStream in, boolean terminal) {
            this.in = in;
            this.terminal = terminal;
            this.statusFlags = LinuxAbi.O_RDONLY;
        }

        @Override
        int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int n = in.read(buffer, offset, length);
            return n < 0 ? 0 : n;
        }

        @Override
        int write(byte[] buffer, int offset, int length) {
            return -LinuxAbi.EBADF;
        }

        @Override
        FileStatus status() {
            return streamStatus(terminal);
        }

        @Override
        boolean isTerminal() {
            return terminal;
        }
    }

    /** stdout/stderr: each write goes straight to the host stream and is flushed, so ordering is the program's. */
    static final class Output extends OpenFile {
        private final OutputStream out;
        private final boolean terminal;

        Output(OutputStream out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
            this.statusFlags = LinuxAbi.O_WRONLY;
        }

        @Override
        int read(byte[] buffer, int offset, int length) {
            return -LinuxAbi.EBADF;
        }

        @Override
        int write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            out.flush();
            return length;
        }

        @Override
        FileStatus status() {
            return streamStatus(terminal);
        }

        @Override
        boolean isTerminal() {
            return terminal;
        }
    }

    private static FileStatus streamStatus(boolean terminal) {
        FileStatus s = new FileStatus();
        s.mode = (terminal ? LinuxAbi.S_IFCHR : LinuxAbi.S_IFIFO) | 0620;
        s.blockSize = 4096;
        return s;
    }

    /** A host file opened by path. */
    static final class HostFile extends OpenFile {
        private final Path path;
        private final FileChannel channel;
        private long position;

        HostFile(Path path, FileChannel channel, int statusFlags) {
            this.path = path;
            this.channel = channel;
            this.statusFlags = statusFlags;
        }

        @Override
        Path path() {
            return path;
        }

        @Override
        int read(byte[] buffer, int offset, int length) throws IOException {
            if ((statusFlags & LinuxAbi.O_ACCMODE) == LinuxAbi.O_WRONLY) {
                return -LinuxAbi.EBADF;
            }
            int n = pread(buffer, offset, length, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        int write(byte[] buffer, int offset, int length) throws IOException {
            if ((statusFlags & LinuxAbi.O_ACCMODE) == LinuxAbi.O_RDONLY) {
                return -LinuxAbi.EBADF;
            }
            if ((statusFlags & LinuxAbi.O_APPEND) != 0) {
                position = channel.size();
            }
            int n = pwrite(buffer, offset, length, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }

        @Override
        int pread(byte[] buffer, int offset, int length, long at) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
            int total = 0;
            while (b.hasRemaining()) {
                int n = channel.read(b, at + total);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        int pwrite(byte[] buffer, int offset, int length, long at) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
            int total = 0;
            while (b.hasRemaining()) {
                total += channel.write(b, at + total);
            }
            return total;
        }

        @Override
        long seek(long offset, int whence) throws IOException {
            long base;
            switch (whence) {
                case 0:
                    base = 0;
                    break;
                case 1:
                    base = position;
                    break;
                case 2:
                    base = channel.size();
                    break;
                default:
                    return -LinuxAbi.EINVAL;
            }
            long p = base + offset;
            if (p < 0) {
                return -LinuxAbi.EINVAL;
            }
            position = p;
            return p;
        }

        @Override
        FileStatus status() throws IOException {
            return FileStatus.of(path, true);
        }

        @Override
        long truncate(long length) throws IOException {
            if ((statusFlags & LinuxAbi.O_ACCMODE) == LinuxAbi.O_RDONLY) {
                return -LinuxAbi.EINVAL; // Linux: EINVAL (or EBADF) for a descriptor not open for writing
            }
            long size = channel.size();
            if (length < size) {
                channel.truncate(length);
            } else if (length > size) {
                channel.write(ByteBuffer.wrap(new byte[1]), length - 1); // the gap reads as zeros
            }
            return 0;
        }

        @Override
        void close() throws IOException {
            channel.close();
        }
    }

    /**
     * A pipe inside the process (pipe/pipe2): a bounded buffer between a read end and a write end. With one thread,
     * a read of an empty pipe whose writer is still open, or a write to a full one, could never complete: those
     * answer EAGAIN instead of blocking forever.
     */
    static final class Pipe {
        static final int CAPACITY = 65536;
        private final byte[] buffer = new byte[CAPACITY];
        private int head;
        private int count;
        private int readers = 1;
        private int writers = 1;

        OpenFile readEnd() {
            return new End(true);
        }

        OpenFile writeEnd() {
            return new End(false);
        }

        private final class End extends OpenFile {
            private final boolean reading;

            End(boolean reading) {
                this.reading = reading;
                this.statusFlags = reading ? LinuxAbi.O_RDONLY : LinuxAbi.O_WRONLY;
            }

            @Override
            int read(byte[] dst, int offset, int length) {
                if (!reading) {
                    return -LinuxAbi.EBADF;
                }
                if (count == 0) {
                    return writers == 0 ? 0 : -LinuxAbi.EAGAIN;
                }
                int n = Math.min(length, count);
                for (int i = 0; i < n; i++) {
                    dst[offset + i] = buffer[(head + i) % CAPACITY];
                }
                head = (head + n) % CAPACITY;
                count -= n;
                return n;
            }

            @Override
            int write(byte[] src, int offset, int length) {
                if (reading) {
                    return -LinuxAbi.EBADF;
                }
                if (readers == 0) {
                    return -LinuxAbi.EPIPE;
                }
                int n = Math.min(length, CAPACITY - count);
                if (n == 0 && length > 0) {
                    return -LinuxAbi.EAGAIN;
                }
                for (int i = 0; i < n; i++) {
                    buffer[(head + count + i) % CAPACITY] = src[offset + i];
                }
                count += n;
                return n;
            }

            @Override
            FileStatus status() {
                FileStatus s = new FileStatus();
                s.mode = LinuxAbi.S_IFIFO | 0600;
                s.size = count;
                return s;
            }

            @Override
            void close() {
                if (reading) {
                    readers--;
                } else {
                    writers--;
                }
            }
        }
    }

    /**
     * A directory opened for its descriptor (openat relative to it, fstat, getdents64); reading it is EISDIR. Its
     * listing is taken at the first getdents64, as a snapshot the position walks through.
     */
    static final class Directory extends OpenFile {
        private final Path path;
        private String[] entries;
        /** Entries already returned by getdents64. */
        int position;

        Directory(Path path, int statusFlags) {
            this.path = path;
            this.statusFlags = statusFlags;
        }

        /** ".", "..", then the directory's entries in name order. */
        String[] entries() throws IOException {
            if (entries == null) {
                java.util.List<String> names = new java.util.ArrayList<>();
                names.add(".");
                names.add("..");
                try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(path)) {
                    s.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
                }
                entries = names.toArray(new String[0]);
            }
            return entries;
        }

        @Override
        long seek(long offset, int whence) {
            if (whence != 0 || offset < 0) {
                return -LinuxAbi.EINVAL;
            }
            position = (int) Math.min(offset, Integer.MAX_VALUE); // rewinddir is lseek(fd, 0, SEEK_SET)
            return position;
        }

        @Override
        Path path() {
            return path;
        }

        @Override
        int read(byte[] buffer, int offset, int length) {
            return -LinuxAbi.EISDIR;
        }

        @Override
        int write(byte[] buffer, int offset, int length) {
            return -LinuxAbi.EBADF;
        }

        @Override
        FileStatus status() throws IOException {
            return FileStatus.of(path, true);
        }
    }
}
