package org.ppc440vm.cpu.user;

import static org.ppc440vm.cpu.user.LinuxAbi.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The system calls that name files by path, over the host's file system as qemu-ppc does it: the program sees the
 * host's files, relative paths resolve against the process's own working directory (which chdir changes without
 * touching the JVM's), and /proc/self/exe is the program being run.
 */
final class HostFiles {
    private static final int AT_REMOVEDIR = 0x200;

    private final UserProcess process;
    private final AddressSpace memory;
    private final FileTable files;
    /** How file names are bytes: what the JVM's file system uses too (sun.jnu.encoding). */
    private final Charset charset;
    /** The process's working directory. */
    private Path cwd = Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    /** The errno of the last {@link #path} that answered null. */
    private int pathError;

    HostFiles(UserProcess process) {
        this.process = process;
        this.memory = process.memory;
        this.files = process.files;
        this.charset = process.config.stringEncoding;
    }

    private static long u(int v) {
        return v & 0xFFFF_FFFFL;
    }

    /** A guest path argument as a host path, or null with the errno in {@link #pathError}. */
    private Path path(int dirfd, int pathAddress, boolean allowEmpty) {
        byte[] raw = memory.readCString(u(pathAddress), 4095);
        if (raw == null) {
            pathError = memory.accessible(u(pathAddress), 1, AddressSpace.PROT_READ) ? ENAMETOOLONG : EFAULT;
            return null;
        }
        String s = new String(raw, charset);
        if (s.isEmpty() && !allowEmpty) {
            pathError = ENOENT;
            return null;
        }
        if (s.equals("/proc/self/exe")) {
            return process.executable;
        }
        if (s.startsWith("/")) {
            return Paths.get(s);
        }
        if (dirfd == AT_FDCWD) {
            return s.isEmpty() ? cwd : cwd.resolve(s);
        }
        OpenFile d = files.get(dirfd);
        if (d == null) {
            pathError = EBADF;
            return null;
        }
        if (!(d instanceof OpenFile.Directory)) {
            pathError = ENOTDIR;
            return null;
        }
        return s.isEmpty() ? d.path() : d.path().resolve(s);
    }

    long open(int dirfd, int pathAddress, int flags, int mode) {
        Path p = path(dirfd, pathAddress, false);
        if (p == null) {
            return -pathError;
        }
        try {
            if (Files.isDirectory(p)) {
                if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_CREAT) != 0) {
                    return -EISDIR;
                }
                return files.open(new OpenFile.Directory(p, flags), flags);
            }
            if ((flags & O_DIRECTORY) != 0) {
                return Files.exists(p) ? -ENOTDIR : -ENOENT;
            }
            Set<OpenOption> options = new HashSet<>();
            switch (flags & O_ACCMODE) {
                case O_RDONLY:
                    options.add(StandardOpenOption.READ);
                    break;
                case O_WRONLY:
                    options.add(StandardOpenOption.WRITE);
                    break;
                case O_RDWR:
                    options.add(StandardOpenOption.READ);
                    options.add(StandardOpenOption.WRITE);
                    break;
                default:
                    return -EINVAL;
            }
            if ((flags & O_CREAT) != 0) {
                options.add((flags & O_EXCL) != 0 ? StandardOpenOption.CREATE_NEW : StandardOpenOption.CREATE);
                options.add(StandardOpenOption.WRITE);
            }
            if ((flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != O_RDONLY) {
                options.add(StandardOpenOption.TRUNCATE_EXISTING);
            }
            boolean existed = Files.exists(p);
            FileChannel ch = FileChannel.open(p, options);
            if (!existed && (flags & O_CREAT) != 0) {
                setMode(p, mode & ~process.umask);
            }
            return files.open(new OpenFile.HostFile(p, ch, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)),
                    flags);
        } catch (IOException e) {
            return -Syscalls.errnoOf(e);
        }
    }

    private static void setMode(Path p, int mode) {
        try {
            Files.setAttribute(p, "unix:mode", mode);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException ignored) {
            // the host decides; the default permissions are fine
        }
    }

    long readlink(int dirfd, int pathAddress, int buf, int size) {
        if (size <= 0) {
            return -EINVAL;
        }
        byte[] raw = memory.readCString(u(pathAddress), 4095);
        if (raw == null) {
            return -EFAULT;
        }
        String s = new String(raw, charset);
        byte[] target;
        if (s.equals("/proc/self/exe")) {
            target = process.executable.toString().getBytes(charset);
        } else {
            Path p = path(dirfd, pathAddress, false);
            if (p == null) {
                return -pathError;
            }
            try {
                target = Files.readSymbolicLink(p).toString().getBytes(charset);
            } catch (NotLinkException e) {
                return -EINVAL;
            } catch (IOException e) {
                return -Syscalls.errnoOf(e);
            } catch (UnsupportedOperationException e) {
                return -EINVAL;
            }
        }
        int n = Math.min(target.length, size);
        return memory.write(u(buf), target, 0, n) ? n : -EFAULT;
    }

    long getcwd(int buf, int size) {
        byte[] c = (cwd.toString() + "\0").getBytes(charset);
        if (u(size) < c.length) {
            return -ERANGE;
        }
        return memory.write(u(buf), c, 0, c.length) ? c.length : -EFAULT;
    }

    long chdir(int pathAddress) {
        Path p = path(AT_FDCWD, pathAddress, false);
        if (p == null) {
            return -pathError;
        }
        return changeDirectory(p);
    }

    long fchdir(int fd) {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        return f instanceof OpenFile.Directory ? changeDirectory(f.path()) : -ENOTDIR;
    }

    private long changeDirectory(Path p) {
        if (!Files.exists(p)) {
            return -ENOENT;
        }
        if (!Files.isDirectory(p)) {
            return -ENOTDIR;
        }
        cwd = p.toAbsolutePath().normalize();
        return 0;
    }

    long access(int dirfd, int pathAddress, int mode) {
        Path p = path(dirfd, pathAddress, false);
        if (p == null) {
            return -pathError;
        }
        if (!Files.exists(p)) {
            return -ENOENT;
        }
        if (((mode & 4) != 0 && !Files.isReadable(p)) || ((mode & 2) != 0 && !Files.isWritable(p))
                || ((mode & 1) != 0 && !Files.isExecutable(p))) {
            return -EACCES;
        }
        return 0;
    }

    long unlink(int dirfd, int pathAddress, int flags) {
        Path p = path(dirfd, pathAddress, false);
        if (p == null) {
            return -pathError;
        }
        boolean directory = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
        if ((flags & AT_REMOVEDIR) == 0 && directory) {
            return -EISDIR;
        }
        if ((flags & AT_REMOVEDIR) != 0 && !directory) {
            return Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? -ENOTDIR : -ENOENT;
        }
        try {
            Files.delete(p);
            return 0;
        } catch (DirectoryNotEmptyException e) {
            return -39; // ENOTEMPTY
        } catch (IOException e) {
            return -Syscalls.errnoOf(e);
        }
    }

    long mkdir(int dirfd, int pathAddress, int mode) {
        Path p = path(dirfd, pathAddress, false);
        if (p == null) {
            return -pathError;
        }
        try {
            Files.createDirectory(p);
            setMode(p, mode & ~process.umask & 07777);
            return 0;
        } catch (IOException e) {
            return -Syscalls.errnoOf(e);
        }
    }

    long rename(int oldDirfd, int oldPath, int newDirfd, int newPath, int flags) {
        if (flags != 0) {
            return -EINVAL; // RENAME_NOREPLACE/EXCHANGE/WHITEOUT are not emulated
        }
        Path from = path(oldDirfd, oldPath, false);
        if (from == null) {
            return -pathError;
        }
        Path to = path(newDirfd, newPath, false);
        if (to == null) {
            return -pathError;
        }
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return 0;
        } catch (DirectoryNotEmptyException e) {
            return -39; // ENOTEMPTY
        } catch (IOException e) {
            return -Syscalls.errnoOf(e);
        }
    }

    long ftruncate(int fd, long length) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        if (length < 0) {
            return -EINVAL;
        }
        return f.truncate(length);
    }

    /**
     * getdents64: as many {@code struct linux_dirent64} (d_ino, d_off, d_reclen, d_type, d_name) as fit, each
     * 8-byte aligned; "." and ".." first, as Linux lists them.
     */
    long getdents64(int fd, int buf, int count) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        if (!(f instanceof OpenFile.Directory)) {
            return -ENOTDIR;
        }
        OpenFile.Directory d = (OpenFile.Directory) f;
        int room = (int) Math.min(u(count), 1 << 20);
        ByteBuffer out = ByteBuffer.allocate(room);
        String[] names = d.entries();
        while (d.position < names.length) {
            String name = names[d.position];
            byte[] n = name.getBytes(charset);
            int reclen = (19 + n.length + 1 + 7) & ~7;
            if (out.position() + reclen > room) {
                if (out.position() == 0) {
                    return -EINVAL; // the buffer cannot hold even one entry
                }
                break;
            }
            Path entry = d.path().resolve(name);
            OpenFile.FileStatus s = null;
            try {
                s = OpenFile.FileStatus.of(entry, false);
            } catch (IOException gone) {
                // listed but gone (or "..", above a root): report it without an inode or type
            }
            int at = out.position();
            out.putLong(at, s != null ? s.inode : 0);
            out.putLong(at + 8, d.position + 1);
            out.putShort(at + 16, (short) reclen);
            out.put(at + 18, (byte) (s == null ? 0 : (s.mode >>> 12) & 0xF)); // DT_* is S_IFMT >> 12
            out.put(at + 19, n);
            out.position(at + reclen);
            d.position++;
        }
        int length = out.position();
        return memory.write(u(buf), out.array(), 0, length) ? length : -EFAULT;
    }

    long fstat(int fd, int buf) throws IOException {
        OpenFile f = files.get(fd);
        if (f == null) {
            return -EBADF;
        }
        return putStat64(buf, f.status());
    }

    long statPath(int dirfd, int pathAddress, int buf, int flags) {
        try {
            OpenFile.FileStatus s = statusOf(dirfd, pathAddress, flags);
            return s == null ? -pathError : putStat64(buf, s);
        } catch (IOException e) {
            return -Syscalls.errnoOf(e);
        }
    }

    /** The status a path argument names (AT_EMPTY_PATH: the descriptor itself); null with {@link #pathError}. */
    private OpenFile.FileStatus statusOf(int dirfd, int pathAddress, int flags) throws IOException {
        if ((flags & AT_EMPTY_PATH) != 0) {
            byte[] raw = memory.readCString(u(pathAddress), 4095);
            if (raw == null) {
                pathError = EFAULT;
                return null;
            }
            if (raw.length == 0) {
                if (dirfd == AT_FDCWD) {
                    return OpenFile.FileStatus.of(cwd, true);
                }
                OpenFile f = files.get(dirfd);
                if (f == null) {
                    pathError = EBADF;
                    return null;
                }
                return f.status();
            }
        }
        Path p = path(dirfd, pathAddress, false);
        if (p == null) {
            return null;
        }
        return OpenFile.FileStatus.of(p, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }

    /** struct stat64 of ppc32 (104 bytes; see arch/powerpc/include/uapi/asm/stat.h). */
    private long putStat64(int buf, OpenFile.FileStatus s) {
        ByteBuffer b = ByteBuffer.allocate(104);
        b.putLong(0, s.device);
        b.putLong(8, s.inode);
        b.putInt(16, s.mode);
        b.putInt(20, s.links);
        b.putInt(24, s.uid);
        b.putInt(28, s.gid);
        b.putLong(32, s.rdev);
        b.putLong(48, s.size);
        b.putInt(56, s.blockSize);
        b.putLong(64, s.blocks);
        b.putInt(72, (int) s.accessSeconds);
        b.putInt(76, s.accessNanos);
        b.putInt(80, (int) s.modifySeconds);
        b.putInt(84, s.modifyNanos);
        b.putInt(88, (int) s.changeSeconds);
        b.putInt(92, s.changeNanos);
        return memory.write(u(buf), b.array(), 0, 104) ? 0 : -EFAULT;
    }

    long statx(int dirfd, int pathAddress, int flags, int mask, int buf) {
        OpenFile.FileStatus s;
        try {
            s = statusOf(dirfd, pathAddress, flags);
        } catch (IOException e) {
            return -Syscalls.errnoOf(e);
        }
        if (s == null) {
            return -pathError;
        }
        // struct statx (include/uapi/linux/stat.h): 256 bytes, the same layout on every architecture.
        ByteBuffer b = ByteBuffer.allocate(256);
        b.putInt(0, 0x7ff); // STATX_BASIC_STATS
        b.putInt(4, s.blockSize);
        b.putInt(16, s.links);
        b.putInt(20, s.uid);
        b.putInt(24, s.gid);
        b.putShort(28, (short) s.mode);
        b.putLong(32, s.inode);
        b.putLong(40, s.size);
        b.putLong(48, s.blocks);
        putStatxTime(b, 64, s.accessSeconds, s.accessNanos);
        putStatxTime(b, 96, s.changeSeconds, s.changeNanos);
        putStatxTime(b, 112, s.modifySeconds, s.modifyNanos);
        // Linux's dev_t encoding: major in bits 8-19 (and above 31), minor in bits 0-7 and 20-31.
        b.putInt(128, (int) ((s.rdev >>> 8) & 0xfff));
        b.putInt(132, (int) ((s.rdev & 0xff) | ((s.rdev >>> 12) & ~0xffL)));
        b.putInt(136, (int) ((s.device >>> 8) & 0xfff));
        b.putInt(140, (int) ((s.device & 0xff) | ((s.device >>> 12) & ~0xffL)));
        return memory.write(u(buf), b.array(), 0, 256) ? 0 : -EFAULT;
    }

    private static void putStatxTime(ByteBuffer b, int at, long seconds, int nanos) {
        b.putLong(at, seconds);
        b.putInt(at + 8, nanos);
    }
}
